/**
 * The numbers of one inspector snapshot (issue 12): a fixed probe batch's projector outputs and
 * backbone features, with the permutation the loss used at that step. Everything the inspector
 * shows is derived from these on demand; nothing of size d x d is ever stored.
 */
export interface SnapshotData {
  /** Probe images. */
  n: number;
  /** Embedding dimension (projector output). */
  d: number;
  /** Backbone feature width; 0 when no backbone features were stored. */
  featureDim: number;
  /** n x d row-major projector outputs of view 1 and view 2. */
  z1: Float32Array;
  z2: Float32Array;
  /** n x featureDim row-major backbone features of both views (null when featureDim is 0). */
  h1: Float32Array | null;
  h2: Float32Array | null;
  /** The loss's feature permutation at that step (new position j holds old feature permutation[j]). */
  permutation: Int32Array | null;
}
