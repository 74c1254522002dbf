import { contextBridge, ipcRenderer } from 'electron';
import { BRIDGE_GLOBAL } from '@shared/api/channels';
import { createBridge } from './bridge';

contextBridge.exposeInMainWorld(BRIDGE_GLOBAL, createBridge(ipcRenderer));
