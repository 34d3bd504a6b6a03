/** User timers: StartTimer → TimerStarted + persisted deadline → TimerFired; CancelTimer → TimerCanceled. */
import { enums, msFromDur } from '../proto';
import type { RunContext } from './context';
import type { temporal } from '@temporalio/proto';

type StartTimer = temporal.api.command.v1.IStartTimerCommandAttributes;
type CancelTimer = temporal.api.command.v1.ICancelTimerCommandAttributes;
import { scheduleWorkflowTask } from './workflow-task';
import { timerMachine } from './entity-machines';
import type { TimerState } from './state';

 
const ET = enums.EventType;

export function startTimer(ctx: RunContext, a: StartTimer, wftCompletedEventId: number): void {
  const timerId = a.timerId ?? '';
  const ms = Math.max(0, msFromDur(a.startToFireTimeout));
  const id = ctx.addEvent(ET.EVENT_TYPE_TIMER_STARTED, 'timerStartedEventAttributes', {
    timerId,
    startToFireTimeout: a.startToFireTimeout,
    workflowTaskCompletedEventId: wftCompletedEventId,
  });
  const fireAt = ctx.now + ms;
  const t = { timerId, startedEventId: id, fireAt } as TimerState;
  timerMachine.apply(t, 'start', timerId);
  ctx.state.timers[timerId] = t;
  ctx.addDeadline('timer', fireAt, { timerId, started: id }, `timer:${timerId}`);
}

export function cancelTimer(ctx: RunContext, a: CancelTimer, wftCompletedEventId: number): void {
  const timerId = a.timerId ?? '';
  const t = ctx.state.timers[timerId];
  if (!t) return; // fired in the meantime: the workflow sees the TimerFired
  t.state ??= 'started'; // written before timers had a state
  timerMachine.apply(t, 'cancel', timerId);
  ctx.addEvent(ET.EVENT_TYPE_TIMER_CANCELED, 'timerCanceledEventAttributes', {
    timerId,
    startedEventId: t.startedEventId,
    workflowTaskCompletedEventId: wftCompletedEventId,
    identity: '',
  });
  delete ctx.state.timers[timerId];
  ctx.cancelDeadlines(`timer:${timerId}`);
}

export function timerFired(ctx: RunContext, timerId: string, started: number): void {
  const t = ctx.state.timers[timerId];
  if (!t || t.startedEventId !== started) return; // stale: cancelled, or a timer of an earlier start
  t.state ??= 'started'; // written before timers had a state
  timerMachine.apply(t, 'fire', timerId);
  delete ctx.state.timers[timerId];
  ctx.addEvent(ET.EVENT_TYPE_TIMER_FIRED, 'timerFiredEventAttributes', { timerId, startedEventId: started }, { bufferable: true });
  scheduleWorkflowTask(ctx);
}
