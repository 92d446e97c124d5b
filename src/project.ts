/** Where this project lives; runbook links point into it. */
export const PROJECT_REPOSITORY_URL = 'https://github.com/example/cdk8s-robustmq-observability';

/** The default runbook link pattern: `{anchor}` is the lower-cased alert name, `{alert}` the name. */
export const DEFAULT_RUNBOOK_URL_PATTERN = `${PROJECT_REPOSITORY_URL}/blob/main/docs/runbooks.md#{anchor}`;
