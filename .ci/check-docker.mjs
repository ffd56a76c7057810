// Docker cannot run here, so CI reads the Dockerfile and docker-compose.yml instead: every path they copy
// must exist, every `npm run` script must be in package.json, every kaspi-bot command must exist.
import { existsSync, readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

const problems = [];
const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
const dockerfile = readFileSync('Dockerfile', 'utf8');
const compose = readFileSync('docker-compose.yml', 'utf8');
const help = execFileSync(process.execPath, ['bin/kaspi-bot.js', '--help'], { encoding: 'utf8' });
const cliCommands = new Set([...help.matchAll(/^ {2}([a-z-]+) /gm)].map((match) => match[1]));

for (const match of dockerfile.matchAll(/^COPY\s+(?!--from)(?:--\S+\s+)*(.+)$/gm)) {
  const parts = match[1].trim().split(/\s+/);
  for (const source of parts.slice(0, -1)) {
    if (!existsSync(source)) problems.push(`Dockerfile copies ${source}, which is not in the repository`);
  }
}
for (const match of (dockerfile + compose).matchAll(/npm run ([\w:-]+)/g)) {
  if (!pkg.scripts?.[match[1]]) problems.push(`"npm run ${match[1]}" is used, but package.json has no such script`);
}
for (const match of dockerfile.matchAll(/^(?:CMD|ENTRYPOINT)\s+(\[.*\])$/gm)) {
  const words = JSON.parse(match[1]);
  const index = words.indexOf('bin/kaspi-bot.js');
  if (words.includes('node') && index < 0) problems.push(`${match[0]} does not run bin/kaspi-bot.js`);
  if (index >= 0 && words[index + 1] && !cliCommands.has(words[index + 1]))
    problems.push(`${match[0]}: unknown command ${words[index + 1]}`);
}
for (const match of dockerfile.matchAll(/^CMD\s+\[\s*["']([a-z-]+)["']/gm)) {
  if (!cliCommands.has(match[1])) problems.push(`CMD runs unknown kaspi-bot command "${match[1]}"`);
}
// Services built from this image (`<<: *app`) run kaspi-bot commands; postgres and redis run their own.
for (const block of compose.split(/^(?= {2}[a-z][\w-]*:\s*$)/m)) {
  if (!block.includes('<<: *app')) continue;
  const command = block.match(/^\s+command:\s*\[\s*["']([a-z-]+)["']/m)?.[1];
  if (!command) problems.push(`docker-compose.yml service ${block.trim().split(':')[0]} has no command`);
  else if (!cliCommands.has(command)) problems.push(`docker-compose.yml runs unknown kaspi-bot command "${command}"`);
}
const nodeMajor = dockerfile.match(/^FROM node:(\d+)/m)?.[1];
if (nodeMajor !== '24') problems.push(`Dockerfile must build on Node 24 LTS, found node:${nodeMajor}`);
if (!/apt-get install[^\n]*\bchromium\b/.test(dockerfile)) problems.push('Dockerfile must install Debian chromium');
// Offline machines and the image use Debian's chromium; nothing may download a browser (it fails offline).
for (const [where, text] of [
  ['Dockerfile', dockerfile],
  ['.ci/run', readFileSync('.ci/run', 'utf8')],
  ...Object.entries(pkg.scripts ?? {}).map(([name, script]) => [`npm script "${name}"`, script]),
]) {
  if (/playwright(-core)?\s+install|puppeteer\s+browsers\s+install/.test(text))
    problems.push(`${where} downloads a browser (playwright install); use Debian's chromium`);
}
if (pkg.dependencies?.playwright || pkg.devDependencies?.playwright)
  problems.push('package.json depends on "playwright", whose install downloads browsers; use playwright-core');
if (!/^USER\s+(?!root)\S+/m.test(dockerfile)) problems.push('Dockerfile must run as a non-root user');

if (problems.length) {
  for (const problem of problems) console.error(`check-docker: ${problem}`);
  process.exit(1);
}
console.log(
  `check-docker: Dockerfile and docker-compose.yml agree with package.json and ${cliCommands.size} CLI commands`,
);
