import base from '@agentstate/eslint-config';

export default base;
