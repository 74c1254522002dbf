/** How far a long dataset operation (download, extraction, decoding) has got. */
export interface DatasetProgress {
  stage: 'download' | 'verify' | 'extract' | 'decode';
  /** Done so far and expected in total (total 0 when unknown, e.g. no Content-Length). */
  done: number;
  total: number;
  unit: 'bytes' | 'images';
  /** The file being worked on, where there is one. */
  file?: string;
}
