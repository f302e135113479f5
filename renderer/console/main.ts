import { createApp } from 'vue';
import { createHarnessI18n } from '../shared/i18n.js';
import App from './App.vue';
import { en, ja } from './messages.js';
import './console.css';

const i18n = createHarnessI18n();
i18n.global.mergeLocaleMessage('ja', ja);
i18n.global.mergeLocaleMessage('en', en);
createApp(App).use(i18n).mount('#app');
