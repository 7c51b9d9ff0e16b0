// postinstall: argon2 must hash, or the service cannot sign anyone in. Its prebuilt binding can
// fail to load or even crash (a segfault was seen on one machine), and npm 11 skips install
// scripts it was not told to allow; then argon2 is compiled from source, here, once.
// Plain JavaScript: it runs before the TypeScript build, and also with --omit=dev.
import { spawnSync } from 'node:child_process';

// In a child process: a crash of the binding must not be ours.
const hashes = () =>
  spawnSync(process.execPath, ['-e', "import('argon2').then((a) => a.hash('install'))"], { stdio: 'ignore' }).status ===
  0;

if (!hashes()) {
  console.log(
    'argon2: the prebuilt binding does not work here; compiling it from source (needs python3, make and a C++ compiler)',
  );
  // node-gyp-build reads npm_config_build_from_source; npm runs argon2's install script again.
  const npm = process.env.npm_execpath
    ? [process.execPath, [process.env.npm_execpath, 'rebuild', 'argon2', '--foreground-scripts']]
    : ['npm', ['rebuild', 'argon2', '--foreground-scripts']];
  const rebuilt = spawnSync(npm[0], npm[1], {
    stdio: 'inherit',
    env: { ...process.env, npm_config_build_from_source: 'true' },
    shell: !process.env.npm_execpath && process.platform === 'win32',
  });
  if (rebuilt.status !== 0 || !hashes()) {
    console.error(
      'argon2: still not working after `npm rebuild argon2`; install python3, make and a C++ compiler, then run npm install again',
    );
    process.exit(1);
  }
  console.log('argon2: compiled from source, and it hashes');
}
