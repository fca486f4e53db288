import { mount } from 'svelte'
import './app.css'
import App from './App.svelte'
import { tauriApi } from './lib/api'
import { contextWith } from './lib/context'
import { DeviceState } from './lib/device.svelte'

const target = document.getElementById('app')
if (!target) throw new Error('index.html has no #app element')

export default mount(App, { target, context: contextWith(tauriApi, new DeviceState(tauriApi)) })
