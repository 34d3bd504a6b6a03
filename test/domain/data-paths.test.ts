import { describe, expect, it } from 'vitest';
import { flattenPaths, getPath, nestPaths, pathLeaf, setPath, siblingPath, withPath } from '../../domain/data-paths';

describe('data paths (one module for dotted field names)', () => {
  it('flattens nested input to dotted names', () => {
    expect(flattenPaths({ mother: { personalId: '1', address: { street: 's' } }, x: [1] })).toEqual({ 'mother.personalId': '1', 'mother.address.street': 's', x: [1] });
  });

  it('leaves a flat map of dotted names as it is, and nests it back', () => {
    const flat = { 'child.fullName': 'An', 'mother.personalId': '1', medicalBirthNoticeNo: 'CS-1' };
    expect(flattenPaths(flat)).toEqual(flat);
    expect(nestPaths(flat)).toEqual({ child: { fullName: 'An' }, mother: { personalId: '1' }, medicalBirthNoticeNo: 'CS-1' });
    expect(flattenPaths(nestPaths(flat))).toEqual(flat);
  });

  it('reads a path, undefined when a part is missing or not an object', () => {
    const data = { mother: { personalId: '1' }, n: 3 };
    expect(getPath(data, 'mother.personalId')).toBe('1');
    expect(getPath(data, 'father.personalId')).toBeUndefined();
    expect(getPath(data, 'n.x')).toBeUndefined();
    expect(getPath(null, 'a')).toBeUndefined();
  });

  it('sets in place or in a copy, never changing the original of a copy', () => {
    const target: Record<string, unknown> = { child: 'x' };
    setPath(target, 'child.fullName', 'B');
    expect(target).toEqual({ child: { fullName: 'B' } });
    const app = { child: { fullName: 'A', sex: 'male' } };
    expect(withPath(app, 'child.fullName', 'B')).toEqual({ child: { fullName: 'B', sex: 'male' } });
    expect(withPath(app, 'father.personalId', '1')).toEqual({ child: { fullName: 'A', sex: 'male' }, father: { personalId: '1' } });
    expect(app).toEqual({ child: { fullName: 'A', sex: 'male' } });
  });

  it('names a path\'s last part and its siblings', () => {
    expect(pathLeaf('child.dateOfBirth')).toBe('dateOfBirth');
    expect(pathLeaf('medicalBirthNoticeNo')).toBe('medicalBirthNoticeNo');
    expect(siblingPath('registration.communeCode', 'provinceCode')).toBe('registration.provinceCode');
    expect(siblingPath('communeCode', 'provinceCode')).toBe('provinceCode');
  });
});
