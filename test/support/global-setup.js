// Every test process writes its scratch files (cdk8s outdirs, promtool inputs, CLI output) under
// one directory for the run, which global-teardown.js removes: a run leaves nothing in /tmp.
const fs = require('fs');
const os = require('os');
const path = require('path');

module.exports = async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'rmq-test-run-'));
  process.env.RMQ_TEST_TMP_ROOT = root;
  process.env.TMPDIR = root;
};
