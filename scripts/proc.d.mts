export interface ProcessStat {
  pid: number;
  name: string;
  state: string;
  ppid: number;
  pgrp: number;
  ticks: number;
  started: number;
}
export function readStat(pid: number): ProcessStat | null;
export function allProcesses(): ProcessStat[];
export function processTree(rootPid: number, processes?: ProcessStat[]): number[];
export interface Filesystem {
  type: string;
  device: string;
  mountPoint: string;
}
export function filesystemOf(path: string, mounts?: string): Filesystem | null;
