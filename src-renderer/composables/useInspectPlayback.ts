import { getCurrentScope, onScopeDispose, ref, toValue, type MaybeRefOrGetter } from 'vue';

export interface UseInspectPlaybackOptions {
  /** Time on each snapshot while playing. Default 800 ms. */
  intervalMs?: number;
}

/**
 * Play/pause over the snapshots: steps `index` forward every `intervalMs`, stopping on the last
 * one (play from the last starts over at the first). `go` is called with the next index.
 */
export function useInspectPlayback(
  count: MaybeRefOrGetter<number>,
  index: MaybeRefOrGetter<number>,
  go: (index: number) => void,
  options: UseInspectPlaybackOptions = {},
) {
  const intervalMs = options.intervalMs ?? 800;
  const playing = ref(false);
  let timer: ReturnType<typeof setInterval> | undefined;

  function pause(): void {
    playing.value = false;
    clearInterval(timer);
    timer = undefined;
  }

  function tick(): void {
    const next = toValue(index) + 1;
    if (next >= toValue(count)) return pause();
    go(next);
    if (next >= toValue(count) - 1) pause();
  }

  function play(): void {
    if (toValue(count) < 2) return;
    if (toValue(index) >= toValue(count) - 1) go(0);
    playing.value = true;
    clearInterval(timer);
    timer = setInterval(tick, intervalMs);
  }

  /** Steps by `delta` snapshots (keyboard left/right), pausing playback. */
  function stepBy(delta: number): void {
    pause();
    const next = Math.min(Math.max(toValue(index) + delta, 0), toValue(count) - 1);
    if (next !== toValue(index) && next >= 0) go(next);
  }

  if (getCurrentScope()) onScopeDispose(pause);
  return { playing, play, pause, toggle: () => (playing.value ? pause() : play()), stepBy };
}
