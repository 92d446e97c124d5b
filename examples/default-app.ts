// The default stack as a cdk8s app: `npx cdk8s synth` writes the same YAML as
// `cdk8s-robustmq-observability synth`.
import { App, YamlOutputType } from 'cdk8s';
import { buildStack } from '../src/stack';

const app = new App({ yamlOutputType: YamlOutputType.FILE_PER_CHART });
buildStack(app);
app.synth();
