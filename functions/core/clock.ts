/** Time is an argument, never a global: tests and the demo replay pass their own clock. */
export type Clock = () => Date;

export const systemClock: Clock = () => new Date();

/** A clock that stands still at `at` until moved; for tests and replays. */
export function fixedClock(at: string | Date): Clock & { set(to: string | Date): void; advance(ms: number): void } {
  let now = new Date(at);
  const clock = (() => new Date(now)) as Clock & { set(to: string | Date): void; advance(ms: number): void };
  clock.set = (to) => {
    now = new Date(to);
  };
  clock.advance = (ms) => {
    now = new Date(now.getTime() + ms);
  };
  return clock;
}
