import { loadSourcesFileWithSettings } from './config';
import { serializeCompiledSources } from './compiled';

/**
 * Synth side of the compiled sources file: validates the sources file with the full schema (zod) and
 * returns the JSON the Lambdas read with readCompiledSources. Kept out of compiled.ts, which the
 * Lambdas import: importing the schema there would put zod back into their bundles.
 */
export function compileSourcesFile(path: string): string {
  return serializeCompiledSources(loadSourcesFileWithSettings(path));
}
