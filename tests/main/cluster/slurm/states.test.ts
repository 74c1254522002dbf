import { describe, expect, it } from 'vitest';
import {
  offersGpus,
  parseSacct,
  parseScontrolJobs,
  parseSinfo,
  parseSlurmTime,
  parseSqueue,
  scontrolFields,
  waitStatusToExitCode,
} from '../../../../src-main/cluster/slurm/states';

const at = (text: string) => new Date(text).getTime();

// Lines as Slurm 22.05 wrote them on the test cluster.
const SQUEUE = [
  '2_1|2|1|PENDING|0||Resources|2026-12-02T20:20:00|N/A|N/A|',
  '2_0|2|0|RUNNING|1|vm|None|2026-12-02T20:14:28|2026-12-02T21:14:28|0|',
  '6|6|N/A|FAILED|0|vm|NonZeroExitCode|2026-12-02T20:14:28|2026-12-02T20:14:31|768|',
  '7|7|N/A|CANCELLED|0|vm|None|2026-12-02T20:14:28|2026-12-02T20:14:31|15|',
  '',
].join('\n');

const SCONTROL =
  'JobId=3 ArrayJobId=2 ArrayTaskId=0 JobName=decorbench run 3 UserId=root(0) GroupId=root(0) MCS_label=N/A ' +
  'JobState=COMPLETED Reason=None Dependency=(null) Requeue=1 Restarts=2 BatchFlag=1 Reboot=0 ExitCode=0:0 ' +
  'StartTime=2026-12-02T20:14:28 EndTime=2026-12-02T20:14:31 Partition=debug AllocNode:Sid=localhost:19685 ' +
  'NodeList=vm BatchHost=vm NumCPUs=1 CPUs/Task=1 ReqB:S:C:T=0:0:*:* TRES=cpu=1,mem=1G,node=1,billing=1 ' +
  'Command=(null) WorkDir=/shared/my runs StdOut=/shared/my runs/slurm-2_0.out Power= \n' +
  'JobId=8 JobName=x JobState=PENDING Reason=BeginTime Restarts=1 ExitCode=0:0 StartTime=2026-12-02T20:17:49 ' +
  'EndTime=Unknown NodeList=(null) Power=\n' +
  'JobId=10 ArrayJobId=10 ArrayTaskId=1-3%2 JobName=x JobState=PENDING Reason=JobArrayTaskLimit Restarts=0 ' +
  'ExitCode=0:0 StartTime=Unknown EndTime=Unknown NodeList=(null)\n';

describe("reading Slurm's answers about jobs", () => {
  it('reads squeue lines, array tasks and ended jobs with their exit codes', () => {
    const jobs = parseSqueue(SQUEUE);
    expect(jobs).toEqual([
      {
        jobId: '2_1',
        arrayJobId: '2',
        state: 'PENDING',
        node: null,
        reason: 'Resources',
        exitCode: null,
        restarts: 0,
        // A pending job's start time is a forecast.
        startedAt: null,
        endedAt: null,
      },
      {
        jobId: '2_0',
        arrayJobId: '2',
        state: 'RUNNING',
        node: 'vm',
        reason: null,
        exitCode: null,
        restarts: 1,
        startedAt: at('2026-12-02T20:14:28'),
        // A running job's end time is its time limit, not a fact.
        endedAt: null,
      },
      {
        jobId: '6',
        arrayJobId: null,
        state: 'FAILED',
        node: 'vm',
        reason: 'NonZeroExitCode',
        exitCode: '3:0',
        restarts: 0,
        startedAt: at('2026-12-02T20:14:28'),
        endedAt: at('2026-12-02T20:14:31'),
      },
      expect.objectContaining({ jobId: '7', state: 'CANCELLED', exitCode: '0:15' }),
    ]);
  });

  it('reads scontrol records, values with spaces, and the tasks of a pending array', () => {
    const fields = scontrolFields(SCONTROL.split('\n')[0]!);
    expect(fields.get('JobName')).toBe('decorbench run 3');
    expect(fields.get('WorkDir')).toBe('/shared/my runs');
    expect(fields.get('TRES')).toBe('cpu=1,mem=1G,node=1,billing=1');
    expect(fields.get('Power')).toBe('');
    const jobs = parseScontrolJobs(SCONTROL);
    expect(jobs.map((job) => job.jobId)).toEqual(['2_0', '8', '10_1', '10_2', '10_3']);
    expect(jobs[0]).toEqual({
      jobId: '2_0',
      arrayJobId: '2',
      state: 'COMPLETED',
      node: 'vm',
      reason: null,
      exitCode: '0:0',
      restarts: 2,
      startedAt: at('2026-12-02T20:14:28'),
      endedAt: at('2026-12-02T20:14:31'),
    });
    expect(jobs[1]).toMatchObject({
      state: 'PENDING',
      reason: 'BeginTime',
      restarts: 1,
      startedAt: null,
      exitCode: null,
    });
    expect(jobs[3]).toMatchObject({ arrayJobId: '10', state: 'PENDING', reason: 'JobArrayTaskLimit' });
    expect(parseScontrolJobs('slurm_load_jobs error: Invalid job id specified\n')).toEqual([]);
  });

  it('reads sacct lines, with the state words sacct adds', () => {
    const jobs = parseSacct(
      '12|CANCELLED by 0|node3|None|0:15|2026-12-02T20:14:28|2026-12-02T20:15:00\n12_4|TIMEOUT|node4|None|0:0|2026-12-02T20:14:28|2026-12-02T21:14:28\n',
    );
    expect(jobs).toEqual([
      expect.objectContaining({
        jobId: '12',
        arrayJobId: null,
        state: 'CANCELLED',
        node: 'node3',
        exitCode: '0:15',
      }),
      expect.objectContaining({
        jobId: '12_4',
        arrayJobId: '12',
        state: 'TIMEOUT',
        endedAt: at('2026-12-02T21:14:28'),
      }),
    ]);
  });

  it('reads times, exit statuses and partitions', () => {
    expect(parseSlurmTime('2026-12-02T20:14:28')).toBe(new Date(2026, 11, 2, 20, 14, 28).getTime());
    for (const none of ['N/A', 'Unknown', 'None', '', undefined]) expect(parseSlurmTime(none)).toBeNull();
    expect(waitStatusToExitCode('0')).toBe('0:0');
    expect(waitStatusToExitCode('256')).toBe('1:0');
    expect(waitStatusToExitCode('9')).toBe('0:9');
    expect(waitStatusToExitCode('N/A')).toBeNull();
    expect(
      parseSinfo(
        'debug*|up|(null)\ngpu|down|gpu:a100:4(S:0-1),gpu:v100:2\ngpu|up|gpu:a100:4(S:0-1)\nold|inact|\n',
      ),
    ).toEqual([
      { name: 'debug', available: true, isDefault: true, gres: [] },
      { name: 'gpu', available: true, isDefault: false, gres: ['gpu:a100:4(S:0-1)', 'gpu:v100:2'] },
      { name: 'old', available: false, isDefault: false, gres: [] },
    ]);
    expect(offersGpus(['gpu:a100:4(S:0-1)'], '')).toBe(true);
    expect(offersGpus(['gpu:a100:4(S:0-1)'], 'a100')).toBe(true);
    expect(offersGpus(['gpu:a100:4(S:0-1)'], 'v100')).toBe(false);
    expect(offersGpus(['gpu:2'], '')).toBe(true);
    expect(offersGpus(['gpu:2'], 'a100')).toBe(false);
    expect(offersGpus(['mps:100'], '')).toBe(false);
    expect(offersGpus([], '')).toBe(false);
  });
});
