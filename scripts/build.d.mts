export function isBuildFresh(): boolean;
export function build(): void;
export function ensureBuilt(): boolean;
