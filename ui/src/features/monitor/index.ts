// What the app may use of the monitor feature.
export { SystemMonitorPage, MONITOR_PATH } from './components/SystemMonitorPage';
export { monitorText } from './strings';
