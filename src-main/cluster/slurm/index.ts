/** The Slurm client and the batch script: what the cluster services use of Slurm. */
export {
  createSlurmClient,
  SlurmError,
  type SlurmClient,
  type SlurmClientOptions,
  type SlurmJobInfo,
  type SlurmPartition,
} from './slurm-client';
export { jobScript, REQUEUE_EXIT_CODE, type JobScriptOptions } from './job-script';
