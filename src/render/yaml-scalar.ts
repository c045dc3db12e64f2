/**
 * A value written into a YAML template, quoted by the YAML library wherever a reader could take it
 * for another type. The generated project reads its YAML with PyYAML, which follows YAML 1.1: there
 * `yes`, `no`, `on`, `off`, `null`, `123`, `0x1f` and `1e3` are not strings, so the 1.1 rules decide.
 */
import { stringify } from 'yaml';

export function yamlScalar(value: string): string {
  return stringify(value, { version: '1.1', lineWidth: 0 }).trimEnd();
}
