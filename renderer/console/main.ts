import { createApp } from 'vue';
import { createHarnessI18n } from '../shared/i18n.js';
import App from './App.vue';
import './console.css';

createApp(App).use(createHarnessI18n()).mount('#app');
