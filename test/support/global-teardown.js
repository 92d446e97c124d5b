// Removes the run's scratch directory made by global-setup.js.
const fs = require('fs');

module.exports = async () => {
  const root = process.env.RMQ_TEST_TMP_ROOT;
  if (root && fs.existsSync(root)) fs.rmSync(root, { recursive: true, force: true });
};
