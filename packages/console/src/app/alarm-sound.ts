/**
 * The audible alarm, synthesised with WebAudio (no sound file to fetch). The
 * context is made on a user gesture (signing in, the sound switch) because
 * browsers keep audio silent until one.
 */
let audio: AudioContext | null = null;
let enabled = true;

export function primeSound(): void {
  if (!audio && typeof AudioContext !== 'undefined') audio = new AudioContext();
  void audio?.resume();
}

export function setSound(on: boolean): void {
  enabled = on;
  if (on) primeSound();
}

export function soundEnabled(): boolean {
  return enabled;
}

/** Three rising tones; returns whether they could be played (recorded on <body> for tests and the curious). */
export function soundAlarm(): boolean {
  if (!enabled) return false;
  primeSound();
  if (audio?.state !== 'running') {
    document.body.dataset.alarmSound = 'blocked';
    return false;
  }
  const start = audio.currentTime;
  for (let i = 0; i < 3; i++) {
    const osc = audio.createOscillator();
    const gain = audio.createGain();
    osc.type = 'square';
    osc.frequency.value = 880 + i * 220;
    gain.gain.setValueAtTime(0.15, start + i * 0.3);
    gain.gain.exponentialRampToValueAtTime(0.001, start + i * 0.3 + 0.25);
    osc.connect(gain).connect(audio.destination);
    osc.start(start + i * 0.3);
    osc.stop(start + i * 0.3 + 0.26);
  }
  document.body.dataset.alarmSound = 'played';
  return true;
}
