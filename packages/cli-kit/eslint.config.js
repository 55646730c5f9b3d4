import agentstateConfig from '@agentstate/eslint-config';

export default agentstateConfig(import.meta.dirname);
