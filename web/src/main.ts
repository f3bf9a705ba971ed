import { createApp } from 'vue'
import App from './App.vue'
import { client } from './api'
import { applyDocumentLocale, i18n } from './i18n'
import { installElementPlus } from './plugins'
import { onSessionLost, router } from './router'
import { resetArea } from './state/area'
import { forget } from './state/session'
import './styles.css'

client.onUnauthorized = () => {
  forget()
  resetArea()
  onSessionLost()
}

const app = createApp(App)
installElementPlus(app)
app.use(i18n)
app.use(router)
applyDocumentLocale()
app.mount('#app')
