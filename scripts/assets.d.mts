export const explorerDir: string;
export const explorerFiles: string[];
export function copyExplorerAssets(): void;
