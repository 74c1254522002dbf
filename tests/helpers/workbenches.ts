import { afterEach } from 'vitest';
import type { Workbench, WorkbenchOptions } from '../../src-main/services/workbench';
import { testWorkbench } from './workbench';

/** Opens workbenches with real worker processes for a test, and closes them after it. */
export function useWorkbenches(): (databasePath: string, options?: Partial<WorkbenchOptions>) => Workbench {
  const open: Workbench[] = [];
  afterEach(async () => {
    for (const workbench of open.splice(0)) await workbench.close();
  });
  return (databasePath, options = {}) => {
    const workbench = testWorkbench(databasePath, options);
    open.push(workbench);
    return workbench;
  };
}
