import { describe, expect, it } from 'vitest';
import { computeSteps, workingDaysDelayMs } from '../../workflows/deadlines';
import { WORKING_CALENDAR } from '../../workflows/calendar';
import { BIRTH_GROUP_DEADLINES } from '../../procedures/birth-group/procedure';
import type { TimelineEntry } from '../../workflows/definitions';

const cal = WORKING_CALENDAR;
// Vietnam time is UTC+7: 09:00 local = 02:00Z; 16:00 local = 09:00Z.
const tuesdayMorning = '2026-11-24T02:00:00.000Z';
const tuesdayAfternoon = '2026-11-24T09:00:00.000Z';

function steps(receivedAt: string, timeline: TimelineEntry[], doneAt: string | null, verificationNeeded = false, dossierCompleteAt: string | null = null) {
  return Object.fromEntries(
    computeSteps({ deadlines: BIRTH_GROUP_DEADLINES, timeline, receivedAt, dossierCompleteAt, doneAt, verificationNeeded, calendar: cal }).map((s) => [s.step, s]),
  );
}

describe('case deadlines', () => {
  it('the group is due 3 working days after a complete dossier received before 15:00', () => {
    const s = steps(tuesdayMorning, [], null);
    expect(s.total.dueAt).toBe('2026-11-27T16:59:59.999Z'); // Friday 23:59:59.999 local
    expect(s.total.onTime).toBeNull();
    expect(s.birth.startedAt).toBeNull();
  });

  it('a dossier received after 15:00 counts from the next working day', () => {
    const s = steps(tuesdayAfternoon, [], null);
    expect(s.total.dueAt).toBe('2026-11-30T16:59:59.999Z'); // Wed + 3 working days = Monday
  });

  it('verification extends the group to 5 and residence to 5 working days; insurance stays at 2', () => {
    const timeline: TimelineEntry[] = [
      { state: 'birth.checking', enteredAt: tuesdayMorning, leftAt: tuesdayMorning },
      { state: 'services.residence.checking', enteredAt: tuesdayMorning, leftAt: null },
      { state: 'services.insurance.issuing', enteredAt: tuesdayMorning, leftAt: tuesdayMorning },
    ];
    const s = steps(tuesdayMorning, timeline, null, true);
    expect(s.total.workingDays).toBe(5);
    expect(s.total.dueAt).toBe('2026-12-01T16:59:59.999Z');
    expect(s.residence.workingDays).toBe(5);
    expect(s.insurance.workingDays).toBe(2);
    expect(s.insurance.onTime).toBe(true);
    expect(s.residence.completedAt).toBeNull();
  });

  it('counting restarts from the supplement that completes the dossier', () => {
    const supplementedAt = '2026-12-02T03:00:00.000Z'; // Wednesday 10:00 local
    const s = steps(tuesdayMorning, [{ state: 'birth.checking', enteredAt: tuesdayMorning, leftAt: supplementedAt }], null, false, supplementedAt);
    expect(s.total.startedAt).toBe(supplementedAt);
    expect(s.birth.startedAt).toBe(supplementedAt);
    expect(s.birth.dueAt).toBe('2026-12-02T16:59:59.999Z'); // the same working day
  });

  it('a case settled after its due date is late', () => {
    const late = '2026-12-04T03:00:00.000Z';
    const s = steps(tuesdayMorning, [{ state: 'birth.awaitingOfficer', enteredAt: tuesdayMorning, leftAt: late }], late);
    expect(s.total.onTime).toBe(false);
    expect(s.birth.onTime).toBe(false);
  });

  it('the supplement window skips weekends and public holidays', () => {
    // Thursday 23 April 2026 10:00 local: 7 working days skip 27 Apr (Hung Kings), 30 Apr, 1 May and two weekends.
    const now = new Date('2026-04-23T03:00:00.000Z');
    const ms = workingDaysDelayMs(now, 7, cal);
    expect(new Date(now.getTime() + ms).toISOString()).toBe('2026-05-07T16:59:59.999Z'); // Fri, Tue, Wed, Mon, Tue, Wed, Thu
  });
});
