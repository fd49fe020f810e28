// page_health.js - health, risk and value: the scorecards (GET /v1/scorecards) and, for admins,
// an editor that stores a scorecard through POST /v1/scorecards and shows the server's refusal
// on the field it names; a backtest comparing two scorecards (GET
// /v1/metrics/health-backtest: AUC, churn by colour, the bottom decile's lift); the churn
// model: its versions' test figures (GET /v1/churn/models: AUC, PR AUC, Brier), the latest
// one's calibration (GET /v1/metrics/churn-calibration) and, on request (it trains a model:
// seconds), the model beside a scorecard on the same observations (GET
// /v1/metrics/churn-backtest); the accounts with expansion signals (GET /v1/expansion). The
// URL holds the two scorecards compared (scorecard, versus) and the one being edited (edit).
import { api, metric, nowOf, ApiError } from './api.js';
import { chart, bars } from './chart.js';
import { h, clear, field, select, table, message, section, indexed } from './ui.js';
import { healthStyles } from './health_ui.js';

const EXPANSION_SHOWN = 25; // the rest are an API call away (GET /v1/expansion)

export async function render(ctx) {
  healthStyles();
  const admin = ctx.session.user.role === 'admin';
  const q = ctx.query;
  const now = nowOf(q);
  const view = { scorecard: q.get('scorecard') || 'default', versus: q.get('versus') || 'engagement',
    edit: q.get('edit') || '' };
  const [measures, expansion, models, calibration] = await Promise.all([metric('health-measures'),
    metric('expansion', { now }), api('/v1/churn/models').then((d) => ({ ...d, source: '/v1/churn/models' })),
    metric('churn-calibration')]);
  let cards = await metric('scorecards');

  const listBox = h('div');
  const editorBox = h('div');
  const backtestBox = h('div');
  const churnBox = h('div');
  ctx.main.append(
    h('div', { class: 'page-head' }, h('h1', {}, 'Health and risk')),
    section('scorecards', 'Scorecards', h('p', { class: 'muted' },
      'A scorecard weighs measures into a score from 0 to 100; an account is scored by the one in ',
      'force for its segment and plan, else its segment, else its plan, else default.'), listBox),
    admin ? section('editor', 'Scorecard editor', editorBox)
      : h('p', { class: 'muted', id: 'editor-note' }, 'Only admins change scorecards.'),
    section('backtest', 'Backtest: which scorecard ranks churn better', backtestBox),
    section('churn-model', 'Churn model', churnBox),
    section('expansion', 'Expansion signals', h('p', { class: 'muted', id: 'expansion-count' },
      expansion.rows.length > EXPANSION_SHOWN
        ? `The ${EXPANSION_SHOWN} with the most points of ${expansion.rows.length} accounts with a signal.`
        : `${expansion.rows.length} accounts with a signal.`), table({
      id: 'expansion-table', caption: 'Customers with signs they could buy more, most points first',
      rows: indexed(expansion.rows).slice(0, EXPANSION_SHOWN), source: expansion.source,
      empty: 'No account has an expansion signal.',
      columns: [
        { key: 'account', label: 'Account', link: (r) => `/accounts/${encodeURIComponent(r.account)}` },
        { key: 'segment', label: 'Segment' }, { key: 'plan', label: 'Plan' },
        { key: 'owner', label: 'Owner' }, { key: 'points', label: 'Points', kind: 'int' },
        { key: 'signals', label: 'Signals', kind: 'int' }, { key: 'reasons', label: 'Reasons' },
      ] })));

  const names = () => [...new Set(cards.rows.map((r) => r.name))];
  const setUrl = () => ctx.setQuery({
    scorecard: view.scorecard === 'default' ? '' : view.scorecard,
    versus: view.versus === 'engagement' ? '' : view.versus, edit: view.edit });

  function showList() {
    clear(listBox, table({
      id: 'scorecards-table', caption: 'Every version, built in (version 0) and stored',
      rows: cards.rows, source: cards.source, columns: [
        { key: 'name', label: 'Name' }, { key: 'version', label: 'Version', kind: 'int' },
        { key: 'segment', label: 'Segment' }, { key: 'plan', label: 'Plan' },
        { key: 'in_force', label: 'In force' }, { key: 'created_at', label: 'Created', kind: 'time' },
        { key: 'retired_at', label: 'Retired', kind: 'time' },
      ] }));
  }

  // ---- the backtest and the churn model ----
  async function showBacktest() {
    const one = select('scorecard', names(), view.scorecard, { id: 'bt-scorecard' });
    const two = select('versus', [['', 'None'], ...names()], view.versus, { id: 'bt-versus' });
    const note = h('div');
    const out = h('div', { id: 'backtest-result' });
    const form = h('form', { class: 'filters', 'aria-label': 'Scorecards compared' },
      field('Scorecard', one), field('Versus', two),
      h('button', { type: 'submit', class: 'primary' }, 'Compare'));
    clear(backtestBox, h('p', { class: 'muted' },
      'Every customer scored as of each month start of the last year with only the data before ',
      'it, against whether it churned in the 90 days after: AUC is the chance that a churner ',
      'scored below a stayer (0.5 is chance); the bottom decile is the lowest tenth of the scores.'),
    form, note, out);
    async function load() {
      out.setAttribute('aria-busy', 'true');
      const bt = await metric('health-backtest', { scorecard: view.scorecard,
        versus: view.versus || null, now });
      out.removeAttribute('aria-busy');
      const rows = bt.rows;
      const grid = h('div', { class: 'cmp' });
      clear(out, table({ id: 'backtest-table', caption: 'Scorecards side by side', rows,
        source: bt.source, columns: [
          { key: 'scorecard', label: 'Scorecard' }, { key: 'version', label: 'Version', kind: 'int' },
          { key: 'observations', label: 'Observations', kind: 'int' },
          { key: 'churned', label: 'Churned', kind: 'int' },
          { key: 'churn_rate', label: 'Churn rate', kind: 'pct' },
          { key: 'auc', label: 'AUC', kind: 'num3' },
          { key: 'red_churn', label: 'Red: churn', kind: 'pct' },
          { key: 'yellow_churn', label: 'Yellow: churn', kind: 'pct' },
          { key: 'green_churn', label: 'Green: churn', kind: 'pct' },
          { key: 'bottom_decile_churn', label: 'Bottom decile: churn', kind: 'pct' },
          { key: 'lift', label: 'Lift', kind: 'num' },
        ] }), grid);
      chart(grid, {
        id: 'churn-by-colour', title: 'Churn rate by colour', kind: 'pct',
        option: bars(['red', 'yellow', 'green'], rows.map((r) => ({ name: r.scorecard,
          data: [r.red_churn, r.yellow_churn, r.green_churn] })), 'pct'),
        columns: [{ key: 'scorecard', label: 'Scorecard' },
          { key: 'red', label: 'Red', kind: 'int' }, { key: 'red_churn', label: 'Red: churn', kind: 'pct' },
          { key: 'yellow', label: 'Yellow', kind: 'int' },
          { key: 'yellow_churn', label: 'Yellow: churn', kind: 'pct' },
          { key: 'green', label: 'Green', kind: 'int' },
          { key: 'green_churn', label: 'Green: churn', kind: 'pct' }],
        rows, source: bt.source,
      });
    }
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      view.scorecard = one.value;
      view.versus = two.value;
      setUrl();
      delete ctx.main.dataset.ready;
      try {
        await load();
        message(note, '');
      } catch (err) {
        message(note, err.message, 'error');
      }
      ctx.main.dataset.ready = 'true';
    });
    await load();
  }

  // ---- the churn model: its versions, the latest one's calibration, beside a scorecard ----
  function showChurn() {
    const card = select('scorecard', names(), view.scorecard, { id: 'cb-scorecard' });
    const note = h('div', { id: 'churn-backtest-message' });
    const out = h('div', { id: 'churn-backtest-result' });
    const form = h('form', { class: 'filters', id: 'churn-backtest-form',
      'aria-label': 'The churn model beside a scorecard' }, field('Scorecard', card),
    h('button', { type: 'submit', class: 'primary' }, 'Compare with the model'));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      delete ctx.main.dataset.ready;
      out.setAttribute('aria-busy', 'true');
      message(note, 'Training the model on the earlier snapshots…');
      try {
        const bt = await metric('churn-backtest', { scorecard: card.value, now });
        clear(out, table({ id: 'churn-backtest-table', caption: 'The model and the scorecard on the same observations',
          rows: bt.rows, source: bt.source, columns: [
            { key: 'method', label: 'Method' },
            { key: 'snapshots', label: 'Month starts', kind: 'int' },
            { key: 'observations', label: 'Observations', kind: 'int' },
            { key: 'churned', label: 'Churned', kind: 'int' },
            { key: 'churn_rate', label: 'Churn rate', kind: 'pct' },
            { key: 'auc', label: 'AUC', kind: 'num3' },
            { key: 'pr_auc', label: 'PR-AUC', kind: 'num3' },
            { key: 'top_decile_churn', label: 'Riskiest tenth: churn', kind: 'pct' },
            { key: 'lift', label: 'Lift', kind: 'num' },
          ] }));
        message(note, '');
      } catch (err) {
        clear(out);
        message(note, err.message, 'error');
      }
      out.removeAttribute('aria-busy');
      ctx.main.dataset.ready = 'true';
    });
    const latest = models.rows[0];
    clear(churnBox, h('p', { class: 'muted' },
      'Gradient-boosted trees trained on the accounts as of monthly snapshots (docs/churn.md). ',
      'Each version\'s figures are on its held-out test rows, the latest snapshots, which its ',
      'training never saw: AUC is the chance that a churner got a higher risk than a stayer ',
      '(0.5 is chance), PR-AUC the average precision, Brier the mean squared error of the risk.'),
    table({ id: 'churn-models-table', caption: 'Churn model versions, newest first',
      rows: models.rows, source: models.source,
      empty: 'No churn model yet (landfall churn train, or POST /v1/churn/models).', columns: [
        { key: 'version', label: 'Version', kind: 'int' },
        { key: 'created', label: 'Trained', kind: 'time' },
        { key: 'horizon_days', label: 'Horizon (days)', kind: 'int' },
        { key: 'rows', label: 'Rows', kind: 'int' },
        { key: 'test_auc', label: 'AUC', kind: 'num3' },
        { key: 'test_pr_auc', label: 'PR-AUC', kind: 'num3' },
        { key: 'test_brier', label: 'Brier', kind: 'num3' },
      ] }),
    latest ? [h('h3', {}, `Calibration of version ${latest.version}`),
      h('p', { class: 'muted' }, 'Its test rows in tenths by predicted risk, from the lowest: ',
        'a calibrated model\'s predicted risk is the churn that followed.'),
      table({ id: 'churn-calibration-table', caption: 'Predicted risk against observed churn',
        rows: calibration.rows, source: calibration.source, columns: [
          { key: 'decile', label: 'Tenth', kind: 'int' },
          { key: 'rows', label: 'Rows', kind: 'int' },
          { key: 'lowest', label: 'Lowest risk', kind: 'pct' },
          { key: 'highest', label: 'Highest risk', kind: 'pct' },
          { key: 'predicted', label: 'Predicted', kind: 'pct' },
          { key: 'observed', label: 'Observed', kind: 'pct' },
        ] })] : null,
    h('h3', {}, 'The model beside a scorecard'),
    h('p', { class: 'muted' }, 'The model trained as a new version would be (nothing is stored) ',
      'and a scorecard, scored at the same month starts with only the data before them: the ',
      'model\'s test rows that the scorecard scores. The scorecard\'s risk is 100 minus its score.'),
    form, note, out);
  }

  // ---- the editor ----
  function showEditor() {
    const chosen = cards.rows.filter((r) => r.name === view.edit && r.in_force === 'yes')[0];
    const def = chosen ? JSON.parse(chosen.definition) : { name: '', bands: { yellow: 40, green: 70 },
      measures: [{ measure: 'seat_utilisation', weight: 1, concerning: 0.35, healthy: 0.6 }] };
    let rows = def.measures.map((m) => ({ ...m }));
    const pick = select('edit', [['', 'A new scorecard'], ...names()], view.edit, { id: 'edit-choose' });
    pick.addEventListener('change', () => {
      view.edit = pick.value;
      setUrl();
      showEditor();
      document.getElementById('edit-choose').focus();
    });
    const input = (name, value, attrs = {}) => h('input', { name, 'data-field': name,
      value: value ?? '', autocomplete: 'off', ...attrs });
    const num = (name, value) => input(name, value, { type: 'number', step: 'any' });
    const name = input('name', def.name, { required: true, maxlength: 100 });
    const segment = input('segment', def.segment);
    const plan = input('plan', def.plan);
    const yellow = num('bands.yellow', def.bands?.yellow ?? 40);
    const green = num('bands.green', def.bands?.green ?? 70);
    const list = h('div', { id: 'measure-rows' });
    const note = h('div', { id: 'editor-message' });
    const measureNames = measures.rows.map((m) => [m.measure, `${m.measure} (${m.family}, ${m.unit})`]);

    // the rows as the inputs hold them (what a save sends, and what a re-draw keeps)
    function read() {
      return [...list.querySelectorAll('.measure-row')].map((el) => {
        const val = (f) => el.querySelector(`[data-name="${f}"]`)?.value;
        const n = (f) => (val(f) === '' || val(f) === undefined ? null : Number(val(f)));
        const m = { measure: val('measure'), weight: n('weight') };
        if (val('kind') === 'linear') m.linear = { zero: n('zero'), full: n('full') };
        else Object.assign(m, { concerning: n('concerning'), healthy: n('healthy') });
        return m;
      });
    }

    function drawRows() {
      clear(list, rows.map((m, i) => {
        const at = `measures[${i}]`;
        const linear = !!m.linear;
        const kind = select('kind', [['thresholds', 'Thresholds'], ['linear', 'Linear band']],
          linear ? 'linear' : 'thresholds', { 'data-name': 'kind' });
        kind.addEventListener('change', () => {
          rows = read();
          drawRows();
          list.querySelectorAll('.measure-row')[i].querySelector('[data-name=kind]').focus();
        });
        const n = (f, label, value, path) => field(label, h('input', { type: 'number', step: 'any',
          'data-name': f, 'data-field': `${at}.${path || f}`, value: value ?? '' }));
        return h('div', { class: 'measure-row', role: 'group', 'aria-label': `Measure ${i + 1}` },
          field(`Measure ${i + 1}`, select('measure', measureNames, m.measure,
            { 'data-name': 'measure', 'data-field': `${at}.measure` })),
          n('weight', 'Weight', m.weight),
          field('Scoring', kind),
          linear ? [n('zero', '0 points at', m.linear.zero, 'linear.zero'),
            n('full', '100 points at', m.linear.full, 'linear.full')]
            : [n('concerning', 'Concerning (50 points) at', m.concerning),
              n('healthy', 'Healthy (100 points) at', m.healthy)],
          h('button', { type: 'button', onclick: () => {
            rows = read();
            rows.splice(i, 1);
            drawRows();
            document.getElementById('add-measure').focus();
          } }, `Remove measure ${i + 1}`));
      }));
    }
    drawRows();

    const form = h('form', { class: 'editor', id: 'scorecard-form', novalidate: true },
      h('div', { class: 'filters' }, field('Edit', pick)),
      h('div', { class: 'filters' }, field('Name', name), field('Segment (empty: any)', segment),
        field('Plan (empty: any)', plan), field('Yellow from', yellow), field('Green from', green)),
      h('fieldset', {}, h('legend', {}, 'Measures: their weights and points'), list,
        h('div', { class: 'buttons' }, h('button', { type: 'button', id: 'add-measure', onclick: () => {
          rows = [...read(), { measure: measureNames[0][0], weight: 1, concerning: null, healthy: null }];
          drawRows();
          const last = list.querySelectorAll('.measure-row');
          last[last.length - 1].querySelector('select').focus();
        } }, 'Add a measure'))),
      note,
      h('div', { class: 'buttons' }, h('button', { type: 'submit', class: 'primary', id: 'save-scorecard' },
        'Save scorecard')));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      for (const el of form.querySelectorAll('[aria-invalid]')) {
        el.removeAttribute('aria-invalid');
        el.removeAttribute('aria-describedby');
      }
      const text = (el) => (el.value.trim() === '' ? null : el.value.trim());
      const num = (el) => (el.value === '' ? null : Number(el.value));
      const body = { name: name.value.trim(), segment: text(segment), plan: text(plan),
        bands: { yellow: num(yellow), green: num(green) }, measures: read() };
      try {
        const r = await api('/v1/scorecards', { method: 'POST', body });
        cards = await metric('scorecards');
        view.edit = body.name;
        setUrl();
        showList();
        showEditor();
        message(document.getElementById('editor-message'), r.changed
          ? `Saved “${r.name}” as version ${r.version}.`
          : `“${r.name}” is unchanged: version ${r.version} is in force.`);
        showChurn();
        await showBacktest();
      } catch (err) {
        message(note, err.message, 'error');
        const bad = err instanceof ApiError && err.field
          ? form.querySelector(`[data-field="${CSS.escape(err.field)}"]`) : null;
        if (bad) {
          bad.setAttribute('aria-invalid', 'true');
          note.firstChild.id = 'editor-error';
          bad.setAttribute('aria-describedby', 'editor-error');
          bad.focus();
        }
      }
    });
    clear(editorBox, h('p', { class: 'muted' }, 'Saving stores a new version; the previous one ',
      'stays in the list. Thresholds give 100 points at healthy or better, 50 at concerning or ',
      'better, else 0; a linear band gives 0 to 100 points between its two values.'), form);
  }

  showList();
  if (admin) showEditor();
  showChurn();
  await showBacktest();
}
