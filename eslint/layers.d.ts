import type { ESLint, Rule } from 'eslint';

export type Layer = 'contracts' | 'storage' | 'domain' | 'handlers' | 'local' | 'infrastructure' | 'web' | 'applet';
export const repositoryRoot: string;
export const layerPaths: readonly (readonly [Layer, readonly string[]])[];
export const mayImport: Readonly<Record<Layer, readonly Layer[]>>;
export const contractPackages: readonly string[];
export const knownExceptions: readonly (readonly [string, string])[];
export function layerOf(relativePath: string): Layer | undefined;
export function resolveImport(fromFile: string, specifier: string): string | undefined;
export function layerViolation(fromFile: string, specifier: string, options?: { readonly withExceptions?: boolean }): string | undefined;
export const noUpwardImport: Rule.RuleModule;
export const layersPlugin: ESLint.Plugin;
