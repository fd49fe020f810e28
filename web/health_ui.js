// health_ui.js - what the health, risk and value pages share: their stylesheet (health.css,
// loaded once beside app.css: the colour of a score is drawn from the data-value of its cell,
// so the text "red" stays the figure and the colour only repeats it), the colour filter's
// and churn risk filters' choices.
import { h } from './ui.js';

let styled = false;
export function healthStyles() {
  if (styled) return;
  styled = true;
  const app = document.querySelector('link[rel=stylesheet]');
  document.head.append(h('link', { rel: 'stylesheet',
    href: app ? app.href.replace(/app\.css$/, 'health.css') : 'health.css' }));
}

// The book's and the health list's colour filter (the API's `colour`): '' is any.
export const colourChoices = [['', 'Any colour'], ['red', 'Red'], ['yellow', 'Yellow'],
  ['green', 'Green'], ['none', 'No score']];

// The book's churn risk filter (the API's risk_min, a fraction): '' is any.
export const riskChoices = [['', 'Any risk'], ['0.2', '20 % or more'], ['0.3', '30 % or more'],
  ['0.5', '50 % or more']];
