import { describe, expect, it } from '@jest/globals';
import type { PageDownload } from '../../web/pin/api.ts';
import { languages } from '../../web/pin/i18n.ts';
import { chooseDownloads, preferredPlatforms } from '../../web/pin/operating-system.ts';

const download = (platform: PageDownload['platform'], bytes = 100_000_000): PageDownload => ({
  platform,
  fileName: platform === 'node' ? 'RemoteSupport_T.cjs' : platform === 'windows-x64' ? 'RemoteSupport_T.exe' : 'RemoteSupport_T',
  downloadUrl: platform === 'node' ? '/applet/RemoteSupport_T.cjs' : `/applet/${platform}/RemoteSupport_T`,
  bytes,
});
const all = (['windows-x64', 'macos-arm64', 'macos-x64', 'linux-x64', 'linux-arm64', 'node'] as const).map((platform) =>
  download(platform),
);
const node = download('node', 147_000);

const windowsChrome = { userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/130.0', userAgentData: { platform: 'Windows' } };
const macSafari = { userAgent: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) Version/18.0 Safari/605.1.15' };
const linuxArm = { userAgent: 'Mozilla/5.0 (X11; Linux aarch64; rv:128.0) Firefox/128.0' };
const linuxFirefox = { userAgent: 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Firefox/128.0' };

describe('which download the PIN page offers first', () => {
  it("offers the app for the customer's own system, from Client Hints or the user agent", () => {
    expect(chooseDownloads(all, node, preferredPlatforms(windowsChrome)).primary.platform).toBe('windows-x64');
    expect(chooseDownloads(all, node, preferredPlatforms(macSafari)).primary.platform).toBe('macos-arm64');
    expect(chooseDownloads(all, node, preferredPlatforms(linuxArm)).primary.platform).toBe('linux-arm64');
    expect(chooseDownloads(all, node, preferredPlatforms(linuxFirefox)).primary.platform).toBe('linux-x64');
  });

  it('keeps every other download, the Node.js script included, one click away', () => {
    const { others } = chooseDownloads(all, node, preferredPlatforms(windowsChrome));
    expect(others.map((entry) => entry.platform)).toEqual(['macos-arm64', 'macos-x64', 'linux-x64', 'linux-arm64', 'node']);
  });

  it('falls back to the Node.js script when the service has no app for this system', () => {
    const { primary, others } = chooseDownloads([download('windows-x64'), node], node, preferredPlatforms(linuxFirefox));
    expect(primary).toBe(node);
    expect(others.map((entry) => entry.platform)).toEqual(['windows-x64']);
    expect(chooseDownloads([], node, preferredPlatforms(macSafari))).toEqual({ primary: node, others: [] });
  });
});

describe('download wording', () => {
  it('gives per-system steps in English and German, with the file name in the commands', () => {
    for (const text of [languages.en, languages.de]) {
      const steps = text.appSteps('RemoteSupport_T');
      expect(steps.linux.some((step) => step.command === 'chmod +x RemoteSupport_T && ./RemoteSupport_T')).toBe(true);
      expect(steps.macos.some((step) => step.command === 'chmod +x RemoteSupport_T && ./RemoteSupport_T')).toBe(true);
      expect(steps.windows[0]?.text).toContain('RemoteSupport_T');
    }
    expect(
      languages.en
        .appSteps('x')
        .windows.map((step) => step.text)
        .join(' '),
    ).toContain('"More info", then "Run anyway"');
    expect(
      languages.de
        .appSteps('x')
        .windows.map((step) => step.text)
        .join(' '),
    ).toContain('„Weitere Informationen“ und dann auf „Trotzdem ausführen“');
    expect(
      languages.en
        .appSteps('x')
        .macos.map((step) => step.text)
        .join(' '),
    ).toContain('Privacy & Security');
  });

  it("shows sizes in each language's number format", () => {
    expect(languages.en.formatSize(87_312_640)).toBe('87 MB');
    expect(languages.en.formatSize(147_038)).toBe('0.15 MB');
    expect(languages.de.formatSize(147_038)).toBe('0,15 MB');
  });
});
