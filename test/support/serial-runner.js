// Jest's own runner, but one test file at a time (Jest runs a serial runner's
// files in band, after the parallel ones): each browser file starts a local
// runtime and a Chromium, and two of them at once on two cores only make
// both slow and their timings meaningless.
import TestRunner from 'jest-runner';

export default class SerialRunner extends TestRunner {
  isSerial = true;
}
