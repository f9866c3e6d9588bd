/*
 * nbrefactor JupyterLab frontend.
 *
 * Adds the command "Refactor cell to module": the selected code cells of the
 * current notebook are sent to the nbrefactor server extension, which plans
 * (POST nbrefactor/plan) and then performs (POST nbrefactor/apply) the move of
 * their code into a Python module.  The notebook open in the browser is then
 * updated from the reply through its shared model.
 */

import {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import {
  Dialog,
  ICommandPalette,
  Notification,
  showDialog
} from '@jupyterlab/apputils';
import { URLExt } from '@jupyterlab/coreutils';
import { IDefaultFileBrowser } from '@jupyterlab/filebrowser';
import {
  INotebookTracker,
  Notebook,
  NotebookPanel
} from '@jupyterlab/notebook';
import { Contents, ServerConnection } from '@jupyterlab/services';
import { Widget } from '@lumino/widgets';

/** The plugin id; also the name of its settings schema (schema/plugin.json). */
const PLUGIN_ID = 'nbrefactor:plugin';

/** Command ids. */
export namespace CommandIDs {
  export const refactor = 'nbrefactor:refactor-cells-to-module';
}

/** Reply of POST nbrefactor/plan. */
export interface IPlanReply {
  plan: unknown;
  notebook: string;
  module: unknown;
  function: string;
  parameters: unknown;
  returns: unknown;
  moved: unknown;
  skipped: unknown;
  files: unknown;
  diff: string;
}

/** One cell of the reply of POST nbrefactor/apply. */
export interface IReplyCell {
  id: string;
  cell_type: 'code' | 'markdown' | 'raw';
  source: string | string[];
}

/** Reply of POST nbrefactor/apply. */
export interface IApplyReply {
  notebook: string;
  written: string[];
  moved: unknown;
  cells: IReplyCell[];
}

/** Error raised for a failed request; `message` is the server's message. */
export class NbrefactorRequestError extends Error {
  constructor(
    message: string,
    readonly status: number
  ) {
    super(message);
    this.name = 'NbrefactorRequestError';
  }
}

/**
 * POST `body` as JSON to `<baseUrl>/nbrefactor/<endpoint>` and return the JSON
 * reply.  A non-2xx reply throws with the server's `{"message": ...}` text.
 */
export async function requestAPI<T>(
  endpoint: string,
  body: unknown
): Promise<T> {
  const settings = ServerConnection.makeSettings();
  const url = URLExt.join(settings.baseUrl, 'nbrefactor', endpoint);
  let response: Response;
  try {
    response = await ServerConnection.makeRequest(
      url,
      {
        method: 'POST',
        body: JSON.stringify(body),
        headers: { 'Content-Type': 'application/json' }
      },
      settings
    );
  } catch (error) {
    throw new ServerConnection.NetworkError(error as TypeError);
  }

  const text = await response.text();
  let data: any = null;
  if (text.length > 0) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  if (!response.ok) {
    const message =
      data && typeof data.message === 'string' && data.message
        ? data.message
        : `${response.status} ${response.statusText}`.trim() ||
          'request failed';
    throw new NbrefactorRequestError(
      `nbrefactor/${endpoint}: ${message}`,
      response.status
    );
  }
  if (data === null) {
    throw new NbrefactorRequestError(
      `nbrefactor/${endpoint}: the server's reply is not JSON`,
      response.status
    );
  }
  return data as T;
}

/** Ids of the selected (or active) code cells of a notebook, in order. */
export function selectedCodeCellIds(notebook: Notebook): string[] {
  return notebook.widgets
    .filter(
      cell => notebook.isSelectedOrActive(cell) && cell.model.type === 'code'
    )
    .map(cell => cell.model.id);
}

const PYTHON_KEYWORDS = new Set([
  'False',
  'None',
  'True',
  'and',
  'as',
  'assert',
  'async',
  'await',
  'break',
  'class',
  'continue',
  'def',
  'del',
  'elif',
  'else',
  'except',
  'finally',
  'for',
  'from',
  'global',
  'if',
  'import',
  'in',
  'is',
  'lambda',
  'nonlocal',
  'not',
  'or',
  'pass',
  'raise',
  'return',
  'try',
  'while',
  'with',
  'yield'
]);

// An approximation of Python's XID_Start / XID_Continue classes.
const IDENTIFIER = /^[\p{L}\p{Nl}_][\p{L}\p{Nl}\p{Mn}\p{Mc}\p{Nd}\p{Pc}]*$/u;

/**
 * Why `name` cannot be a Python function name, or null if it can.
 */
export function identifierProblem(name: string): string | null {
  if (name.length === 0) {
    return 'A function name is required.';
  }
  if (!IDENTIFIER.test(name)) {
    return 'Not a Python identifier: use letters, digits and "_", not starting with a digit.';
  }
  if (PYTHON_KEYWORDS.has(name)) {
    return `"${name}" is a Python keyword.`;
  }
  return null;
}

/** Render a reply field (string, list, object) as readable text. */
function describe(value: unknown): string {
  if (value === null || value === undefined) {
    return '';
  }
  if (typeof value === 'string') {
    return value;
  }
  if (typeof value === 'number' || typeof value === 'boolean') {
    return String(value);
  }
  if (Array.isArray(value)) {
    return value
      .map(describe)
      .filter(s => s.length > 0)
      .join(', ');
  }
  if (typeof value === 'object') {
    const record = value as Record<string, unknown>;
    for (const key of ['name', 'path', 'id']) {
      if (typeof record[key] === 'string') {
        return record[key] as string;
      }
    }
    return JSON.stringify(value);
  }
  return String(value);
}

/**
 * The body of the plan dialog: an editable, validated function name and a
 * read-only summary of the plan with its diff.
 */
export class PlanBody extends Widget implements Dialog.IBodyWidget<string> {
  /**
   * `replan` plans again with another function name: the preview follows the name
   * typed, and a name the server refuses (one in use) is shown as a problem.
   */
  constructor(
    plan: IPlanReply,
    initialName?: string,
    private readonly replan?: (name: string) => Promise<IPlanReply>
  ) {
    super();
    this.addClass('jp-nbrefactor-PlanBody');

    const nameRow = document.createElement('label');
    nameRow.className = 'jp-nbrefactor-field';
    const nameLabel = document.createElement('span');
    nameLabel.textContent = 'Function name';
    this._input = document.createElement('input');
    this._input.type = 'text';
    this._input.className = 'jp-mod-styled jp-nbrefactor-function';
    this._input.spellcheck = false;
    this._input.value = initialName ?? plan.function ?? '';
    nameRow.append(nameLabel, this._input);

    this._error = document.createElement('div');
    this._error.className = 'jp-nbrefactor-error';
    this._error.setAttribute('role', 'alert');

    this._summary = document.createElement('dl');
    this._summary.className = 'jp-nbrefactor-summary';
    const diffTitle = document.createElement('div');
    diffTitle.className = 'jp-nbrefactor-diff-title';
    diffTitle.textContent = 'Preview';
    this._diff = document.createElement('pre');
    this._diff.className = 'jp-nbrefactor-diff';
    this.display(plan);

    this.node.append(nameRow, this._error, this._summary, diffTitle, this._diff);
    this._input.addEventListener('input', () => {
      if (this.validate()) {
        this.scheduleReplan();
      }
    });
  }

  /** Show `plan`'s module, parameters, returns, files and diff. */
  private display(plan: IPlanReply): void {
    const rows: Array<[string, unknown]> = [
      ['Module', plan.module],
      ['Parameters', plan.parameters],
      ['Returns', plan.returns],
      ['Moved', plan.moved],
      ['Skipped', plan.skipped],
      ['Files', plan.files]
    ];
    this._summary.replaceChildren();
    for (const [title, value] of rows) {
      const text = describe(value);
      if (title === 'Skipped' && text.length === 0) {
        continue;
      }
      const dt = document.createElement('dt');
      dt.textContent = title;
      const dd = document.createElement('dd');
      dd.textContent = text.length > 0 ? text : '(none)';
      this._summary.append(dt, dd);
    }
    this._diff.textContent = plan.diff || '(no changes)';
  }

  /** Plan again with the name typed, once typing pauses; the last answer wins. */
  private scheduleReplan(): void {
    if (!this.replan) {
      return;
    }
    window.clearTimeout(this._timer);
    this._timer = window.setTimeout(async () => {
      const name = this.getValue();
      const ask = ++this._asked;
      try {
        const plan = await this.replan!(name);
        if (ask === this._asked) {
          this.display(plan);
        }
      } catch (error) {
        if (ask === this._asked) {
          this.setProblem(errorMessage(error));
        }
      }
    }, 400);
  }

  /** The function name typed, trimmed. */
  getValue(): string {
    return this._input.value.trim();
  }

  /** Show the name's problem (if any), and enable Refactor only if none. */
  validate(): boolean {
    const problem = identifierProblem(this.getValue());
    this.setProblem(problem);
    return problem === null;
  }

  /** Show `problem` (none: null) under the name; Refactor only without one. */
  private setProblem(problem: string | null): void {
    this._error.textContent = problem ?? '';
    this._input.classList.toggle('jp-mod-invalid', problem !== null);
    const dialog = this.node.closest('.jp-Dialog');
    const accept = dialog?.querySelector<HTMLButtonElement>(
      'button.jp-mod-accept'
    );
    if (accept) {
      accept.disabled = problem !== null;
    }
  }

  protected onAfterAttach(): void {
    this.validate();
  }

  protected onBeforeDetach(): void {
    window.clearTimeout(this._timer);
    this._asked++; // an answer arriving now has nowhere to go
  }

  private _input: HTMLInputElement;
  private _error: HTMLDivElement;
  private _summary: HTMLDListElement;
  private _diff: HTMLPreElement;
  private _timer = 0;
  private _asked = 0;
}

/**
 * Make the open notebook's cells match `cells` (the reply of nbrefactor/apply):
 * sources are set by id, new ids are inserted where they stand, cells whose
 * ids are gone are deleted, and cells are moved into the reply's order.
 */
export function applyCellsToModel(
  panel: NotebookPanel,
  cells: IReplyCell[]
): void {
  const model = panel.content.model;
  if (!model) {
    throw new Error('The notebook has no model.');
  }
  const shared = model.sharedModel;
  const wanted = new Set(cells.map(cell => cell.id));
  const text = (source: string | string[]) =>
    Array.isArray(source) ? source.join('') : source;

  shared.transact(() => {
    // Delete the cells that are gone.
    for (let i = shared.cells.length - 1; i >= 0; i--) {
      if (!wanted.has(shared.cells[i].id)) {
        shared.deleteCell(i);
      }
    }
    // Walk the reply in order: insert, move and update.
    cells.forEach((cell, index) => {
      const source = text(cell.source);
      let at = shared.cells.findIndex(c => c.id === cell.id);
      if (at !== -1 && shared.cells[at].cell_type !== cell.cell_type) {
        shared.deleteCell(at);
        at = -1;
      }
      if (at === -1) {
        const fresh: any = {
          id: cell.id,
          cell_type: cell.cell_type,
          source,
          metadata: {}
        };
        if (cell.cell_type === 'code') {
          fresh.outputs = [];
          fresh.execution_count = null;
        }
        shared.insertCell(Math.min(index, shared.cells.length), fresh);
        return;
      }
      if (at !== index) {
        shared.moveCell(at, index);
      }
      const current = shared.cells[index];
      if (current.getSource() !== source) {
        current.setSource(source);
      }
    });
  });
}

/** Strip a drive prefix ("RTC:") and leading slashes from a contents path. */
function plainPath(path: string): string {
  const colon = path.indexOf(':');
  const local = colon === -1 ? path : path.slice(colon + 1);
  return local.replace(/^\/+/, '');
}

/** Whether two contents paths name the same file (drive prefixes ignored). */
function samePath(a: string, b: string): boolean {
  const x = plainPath(a);
  const y = plainPath(b);
  return x === y || x.endsWith('/' + y) || y.endsWith('/' + x);
}

/**
 * Whether the notebook file changed on disk after the browser last saved or
 * loaded it: compares the file's last_modified with the document's; falls back
 * to the reply's `written` list if the file cannot be stat'ed.
 */
async function fileChangedOnDisk(
  contents: Contents.IManager,
  contentsPath: string,
  context: NotebookPanel['context'],
  reply: IApplyReply,
  path: string
): Promise<boolean> {
  const known = context.contentsModel?.last_modified;
  try {
    const onDisk = await contents.get(contentsPath, { content: false });
    if (known && onDisk.last_modified) {
      return (
        new Date(onDisk.last_modified).getTime() > new Date(known).getTime()
      );
    }
  } catch (error) {
    console.warn('nbrefactor: cannot stat the notebook', error);
  }
  return (reply.written ?? []).some(p => samePath(p, path));
}

function errorMessage(error: unknown): string {
  if (error instanceof Error) {
    return error.message;
  }
  return String(error);
}

/**
 * Show the plan and ask for the function name until it is a valid Python
 * identifier; null if the user cancels.
 */
async function askFunctionName(
  plan: IPlanReply,
  count: number,
  replan: (name: string) => Promise<IPlanReply>
): Promise<string | null> {
  let name: string | undefined = undefined;
  for (;;) {
    const body: PlanBody = new PlanBody(plan, name, replan);
    const result: Dialog.IResult<string> = await showDialog<string>({
      title: `Refactor ${count} cell${count === 1 ? '' : 's'} to module`,
      body,
      buttons: [
        Dialog.cancelButton({ label: 'Cancel' }),
        Dialog.okButton({ label: 'Refactor' })
      ],
      focusNodeSelector: 'input.jp-nbrefactor-function'
    });
    if (!result.button.accept) {
      return null;
    }
    name = result.value ?? '';
    const problem = identifierProblem(name);
    if (problem === null) {
      return name;
    }
    Notification.warning(problem, { autoClose: 4000 });
  }
}

/**
 * The refactoring flow for one notebook panel.
 */
async function refactor(
  panel: NotebookPanel,
  contents: Contents.IManager,
  fileBrowser: IDefaultFileBrowser | null
): Promise<void> {
  const context = panel.context;
  await context.ready;
  const cellIds = selectedCodeCellIds(panel.content);
  if (cellIds.length === 0) {
    Notification.warning('Select one or more code cells to refactor.', {
      autoClose: 4000
    });
    return;
  }
  const path = context.localPath || plainPath(context.path);

  // The server reads the notebook from disk: save it first.
  await context.save();

  const plan = await requestAPI<IPlanReply>('plan', { path, cells: cellIds });

  const replan = (name: string) =>
    requestAPI<IPlanReply>('plan', { path, cells: cellIds, function: name });
  const name = await askFunctionName(plan, cellIds.length, replan);
  if (name === null) {
    return;
  }

  const reply = await requestAPI<IApplyReply>('apply', {
    path,
    cells: cellIds,
    function: name
  });

  if (Array.isArray(reply.cells)) {
    applyCellsToModel(panel, reply.cells);
  }

  // The server has written the notebook: reload it so the document's saved
  // state and timestamp match the file (no "file changed" conflict on the next
  // save).  If it did not write it, save what is now in the browser.
  if (await fileChangedOnDisk(contents, context.path, context, reply, path)) {
    await context.revert();
  } else {
    await context.save();
  }

  if (fileBrowser) {
    // The refactoring itself succeeded: a failed refresh is only logged.
    await fileBrowser.model.refresh().catch(error => {
      console.warn('nbrefactor: cannot refresh the file browser', error);
    });
  }

  const moved = describe(reply.moved);
  const files = (reply.written ?? []).filter(p => !samePath(p, path));
  Notification.success(
    `Moved ${moved || 'the selected code'} into ${name}()` +
      (files.length > 0 ? ` in ${files.join(', ')}` : '') +
      '.',
    { autoClose: 6000 }
  );
}

const plugin: JupyterFrontEndPlugin<void> = {
  id: PLUGIN_ID,
  description:
    'Refactor selected notebook code cells into a function in a Python module.',
  autoStart: true,
  requires: [INotebookTracker],
  optional: [ICommandPalette, IDefaultFileBrowser],
  activate: (
    app: JupyterFrontEnd,
    tracker: INotebookTracker,
    palette: ICommandPalette | null,
    fileBrowser: IDefaultFileBrowser | null
  ) => {
    let running = false;

    app.commands.addCommand(CommandIDs.refactor, {
      label: 'Refactor cell to module',
      caption:
        'Move the selected code cells into a function of a Python module',
      isEnabled: () => {
        const panel = tracker.currentWidget;
        return (
          !running &&
          panel !== null &&
          selectedCodeCellIds(panel.content).length > 0
        );
      },
      execute: async () => {
        const panel = tracker.currentWidget;
        if (!panel || running) {
          return;
        }
        running = true;
        app.commands.notifyCommandChanged(CommandIDs.refactor);
        try {
          await refactor(panel, app.serviceManager.contents, fileBrowser);
        } catch (error) {
          console.error('nbrefactor:', error);
          Notification.error(errorMessage(error), { autoClose: false });
        } finally {
          running = false;
          app.commands.notifyCommandChanged(CommandIDs.refactor);
        }
      }
    });

    const refresh = () =>
      app.commands.notifyCommandChanged(CommandIDs.refactor);
    tracker.currentChanged.connect(refresh);
    tracker.activeCellChanged.connect(refresh);
    tracker.selectionChanged.connect(refresh);

    if (palette) {
      palette.addItem({ command: CommandIDs.refactor, category: 'nbrefactor' });
    }
    // The cell context menu entry and the keyboard shortcut are declared in
    // schema/plugin.json ("jupyter.lab.menus" and "jupyter.lab.shortcuts").
  }
};

export default plugin;
