/*
 * "Refactor cell to module": the selected code cells are planned on the server
 * (POST nbrefactor/plan), shown in a dialog where the function can be renamed,
 * and applied (POST nbrefactor/apply).  The server writes the module; the cells
 * of the open notebook are changed through its shared model, so undo works on
 * them, and the notebook is saved as any edit would be.
 */

import { Dialog, Notification, showDialog } from '@jupyterlab/apputils';
import { IDefaultFileBrowser } from '@jupyterlab/filebrowser';
import { Notebook, NotebookPanel } from '@jupyterlab/notebook';
import { Widget } from '@lumino/widgets';

import {
  IApplyReply,
  IPlanReply,
  IReplyCell,
  errorMessage,
  plainPath,
  requestAPI
} from './api';

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
 * Why `name` cannot be the name of a Python function (or of the `what` given),
 * or null if it can.
 */
export function identifierProblem(
  name: string,
  what = 'function'
): string | null {
  if (name.length === 0) {
    return `A ${what} name is required.`;
  }
  if (!IDENTIFIER.test(name)) {
    return `The ${what} name is not a Python identifier: use letters, digits and "_", not starting with a digit.`;
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

/** What the user chose in the dialog: the function's name and its module. */
export interface IChoice {
  function: string;
  module: string;
}

/** "taxi.taxi_tips" -> "taxi_tips". */
function shortModule(module: unknown): string {
  return typeof module === 'string' ? module.split('.').pop() ?? '' : '';
}

/** Why `choice` cannot be asked for, or null if it can. */
function choiceProblem(choice: IChoice): string | null {
  return (
    identifierProblem(choice.function) ??
    identifierProblem(choice.module, 'module')
  );
}

let datalists = 0;

/**
 * The body of the plan dialog: the function's name and its module (an existing
 * module of the project, offered in a list, or a new one), both editable and
 * validated as typed, and a read-only summary of the plan with its diff.
 */
export class PlanBody extends Widget implements Dialog.IBodyWidget<IChoice> {
  /**
   * `replan` plans again with another choice: the preview follows what is
   * typed, and a name the server refuses (one in use) is shown as a problem.
   */
  constructor(
    plan: IPlanReply,
    initial?: IChoice,
    private readonly replan?: (choice: IChoice) => Promise<IPlanReply>
  ) {
    super();
    this.addClass('jp-nbrefactor-PlanBody');

    this._function = this.field(
      'Function name',
      'jp-nbrefactor-function',
      initial?.function ?? plan.function ?? ''
    );
    this._module = this.field(
      'Module',
      'jp-nbrefactor-module',
      initial?.module ?? shortModule(plan.module)
    );
    this._modules = document.createElement('datalist');
    this._modules.id = `jp-nbrefactor-modules-${++datalists}`;
    this._module.setAttribute('list', this._modules.id);
    this._moduleNote = document.createElement('div');
    this._moduleNote.className = 'jp-nbrefactor-module-note';

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

    this.node.append(
      this._function.parentElement!,
      this._module.parentElement!,
      this._modules,
      this._moduleNote,
      this._error,
      this._summary,
      diffTitle,
      this._diff
    );
    for (const input of [this._function, this._module]) {
      input.addEventListener('input', () => {
        if (this.validate()) {
          this.scheduleReplan();
        }
      });
    }
  }

  /** A labelled text input with class `className`, holding `value`. */
  private field(
    label: string,
    className: string,
    value: string
  ): HTMLInputElement {
    const row = document.createElement('label');
    row.className = 'jp-nbrefactor-field';
    const title = document.createElement('span');
    title.textContent = label;
    const input = document.createElement('input');
    input.type = 'text';
    input.className = `jp-mod-styled ${className}`;
    input.spellcheck = false;
    input.value = value;
    row.append(title, input);
    return input;
  }

  /** Show `plan`'s module, parameters, returns, files and diff. */
  private display(plan: IPlanReply): void {
    this._modules.replaceChildren(
      ...(plan.modules ?? []).map(name => {
        const option = document.createElement('option');
        option.value = name;
        return option;
      })
    );
    this._moduleNote.textContent = plan.module_exists
      ? `${describe(plan.module)}: the function is added to this module.`
      : `${describe(plan.module)}: a new module.`;
    const rows: Array<[string, unknown]> = [
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

  /** Plan again with what is typed, once typing pauses; the last answer wins. */
  private scheduleReplan(): void {
    if (!this.replan) {
      return;
    }
    window.clearTimeout(this._timer);
    this._timer = window.setTimeout(async () => {
      const choice = this.getValue();
      const ask = ++this._asked;
      try {
        const plan = await this.replan!(choice);
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

  /** The function and module names typed, trimmed. */
  getValue(): IChoice {
    return {
      function: this._function.value.trim(),
      module: this._module.value.trim()
    };
  }

  /** Show the names' problem (if any), and enable Refactor only if none. */
  validate(): boolean {
    const problem = choiceProblem(this.getValue());
    this.setProblem(problem);
    return problem === null;
  }

  /** Show `problem` (none: null) under the names; Refactor only without one. */
  private setProblem(problem: string | null): void {
    this._error.textContent = problem ?? '';
    const choice = this.getValue();
    this._function.classList.toggle(
      'jp-mod-invalid',
      problem !== null && identifierProblem(choice.module, 'module') === null
    );
    this._module.classList.toggle(
      'jp-mod-invalid',
      identifierProblem(choice.module, 'module') !== null
    );
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

  private _function: HTMLInputElement;
  private _module: HTMLInputElement;
  private _modules: HTMLDataListElement;
  private _moduleNote: HTMLDivElement;
  private _error: HTMLDivElement;
  private _summary: HTMLDListElement;
  private _diff: HTMLPreElement;
  private _timer = 0;
  private _asked = 0;
}

/**
 * Make the open notebook's cells match `cells` (the reply of nbrefactor/apply).
 *
 * Cells whose ids are gone are deleted, new ids inserted where they stand, and
 * cells moved into the reply's order, in one change the notebook's undo takes
 * back.  Each changed source is set in its cell's own change, so undo in that
 * cell brings its code back.
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
    for (let i = shared.cells.length - 1; i >= 0; i--) {
      if (!wanted.has(shared.cells[i].id)) {
        shared.deleteCell(i);
      }
    }
    cells.forEach((cell, index) => {
      let at = shared.cells.findIndex(c => c.id === cell.id);
      if (at !== -1 && shared.cells[at].cell_type !== cell.cell_type) {
        shared.deleteCell(at);
        at = -1;
      }
      if (at === -1) {
        const fresh: any = {
          id: cell.id,
          cell_type: cell.cell_type,
          source: text(cell.source),
          metadata: cell.metadata ?? {}
        };
        if (cell.cell_type === 'code') {
          fresh.outputs = [];
          fresh.execution_count = null;
        }
        shared.insertCell(Math.min(index, shared.cells.length), fresh);
      } else if (at !== index) {
        shared.moveCell(at, index);
      }
    });
  });

  // Outside the notebook's change: each cell's undo records its own.
  for (const cell of cells) {
    const current = shared.cells.find(c => c.id === cell.id);
    const source = text(cell.source);
    if (current && current.getSource() !== source) {
      current.setSource(source);
    }
  }
}

/** The ids and sources of a notebook's cells, to tell whether they changed. */
function cellsSnapshot(panel: NotebookPanel): string {
  const cells = panel.content.model?.sharedModel.cells ?? [];
  return JSON.stringify(cells.map(cell => [cell.id, cell.getSource()]));
}

/**
 * Show the plan and ask for the function's name and module until both are
 * valid; null if the user cancels.
 */
async function askChoice(
  plan: IPlanReply,
  count: number,
  replan: (choice: IChoice) => Promise<IPlanReply>
): Promise<IChoice | null> {
  let choice: IChoice | undefined = undefined;
  for (;;) {
    const body = new PlanBody(plan, choice, replan);
    const result: Dialog.IResult<IChoice> = await showDialog<IChoice>({
      title: `Refactor ${count} cell${count === 1 ? '' : 's'} to module`,
      body,
      buttons: [
        Dialog.cancelButton({ label: 'Cancel' }),
        Dialog.okButton({ label: 'Refactor' })
      ],
      focusNodeSelector: 'input.jp-nbrefactor-function'
    });
    if (!result.button.accept || !result.value) {
      return null;
    }
    choice = result.value;
    const problem = choiceProblem(choice);
    if (problem === null) {
      return choice;
    }
    Notification.warning(problem, { autoClose: 4000 });
  }
}

/**
 * Refactor the selected code cells of `panel` into a function of a module.
 * Errors are thrown with the server's message.
 */
export async function refactorSelectedCells(
  panel: NotebookPanel,
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
  const planned = cellsSnapshot(panel);

  const plan = await requestAPI<IPlanReply>('plan', { path, cells: cellIds });
  const replan = (choice: IChoice) =>
    requestAPI<IPlanReply>('plan', { path, cells: cellIds, ...choice });
  const choice = await askChoice(plan, cellIds.length, replan);
  if (choice === null) {
    return;
  }
  const name = choice.function;
  if (cellsSnapshot(panel) !== planned) {
    throw new Error(
      'The notebook changed while the dialog was open; nothing was refactored. Run the command again.'
    );
  }

  const reply = await requestAPI<IApplyReply>('apply', {
    path,
    cells: cellIds,
    ...choice,
    write_notebook: false
  });
  applyCellsToModel(panel, reply.cells);

  if (fileBrowser) {
    // The refactoring itself succeeded: a failed refresh is only logged.
    await fileBrowser.model.refresh().catch(error => {
      console.warn('nbrefactor: cannot refresh the file browser', error);
    });
  }
  const written = reply.written ?? [];
  const moved = describe(reply.moved);
  const where = written.length > 0 ? ` in ${written.join(', ')}` : '';
  try {
    await context.save();
  } catch (error) {
    throw new Error(
      `${name}() was written${where}, but the notebook could not be saved: ` +
        `${errorMessage(error)}. Save it to finish.`
    );
  }
  Notification.success(
    `Moved ${moved || 'the selected code'} into ${name}()${where}.`,
    { autoClose: 6000 }
  );
}
