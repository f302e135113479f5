import { createApp } from 'vue';
import { createI18n } from 'vue-i18n';
import App from './App.vue';
import { en, ja } from './messages.js';
import { installPhoneFrameBridge, phoneFrameParams } from './phoneFrameBridge.js';
import './style.css';

// In a console phone frame (another origin than the console), the page carries the phone's navigator.credentials itself.
const phoneFrame = phoneFrameParams(window);
if (phoneFrame) installPhoneFrameBridge(window, phoneFrame);

const requested = new URLSearchParams(location.search).get('lang');
const stored = (() => {
  try {
    return localStorage.getItem('pkh.customer.lang');
  } catch {
    return null;
  }
})();
const locale = requested === 'en' || requested === 'ja' ? requested : stored === 'en' ? 'en' : 'ja';

const i18n = createI18n({ legacy: false, locale, fallbackLocale: 'ja', messages: { ja, en } });
document.documentElement.lang = locale;
createApp(App).use(i18n).mount('#app');
