/*
 * "Check notebook for duplicates": the findings of `nbrefactor check` for the
 * open notebook (POST nbrefactor/check), listed in a panel beside it; each one,
 * and each other copy of a duplicated block, jumps to its cell.
 */

import { MainAreaWidget } from '@jupyterlab/apputils';
import { NotebookPanel } from '@jupyterlab/notebook';
import { Widget } from '@lumino/widgets';

import {
  ICheckReply,
  IFinding,
  IPlace,
  errorMessage,
  plainPath,
  requestAPI
} from './api';

/**
 * Select the cell of `place` in `panel`, scroll it into view and put the cursor
 * on its line.  The cell is found by id (numbers change when cells are added);
 * false if it is no longer there.
 */
export async function revealPlace(
  panel: NotebookPanel,
  place: IPlace
): Promise<boolean> {
  const notebook = panel.content;
  const index =
    place.cell_id !== null
      ? notebook.widgets.findIndex(cell => cell.model.id === place.cell_id)
      : (place.cell ?? -1);
  if (index < 0 || index >= notebook.widgets.length) {
    return false;
  }
  const cell = notebook.widgets[index];
  notebook.deselectAll();
  notebook.activeCellIndex = index;
  notebook.mode = 'command';
  await notebook.scrollToCell(cell, 'center');
  const lines = cell.model.sharedModel.getSource().split('\n').length;
  cell.editor?.setCursorPosition({
    line: Math.min(Math.max(place.line - 1, 0), lines - 1),
    column: 0
  });
  return true;
}

/**
 * "cell 9, line 2": a place as the panel names it.  The server gives the cell's
 * index (from 0); people, nbrefactor's messages and ruff count cells from 1.
 */
function placeName(place: IPlace): string {
  return place.cell === null
    ? `line ${place.line}`
    : `cell ${place.cell + 1}, line ${place.line}`;
}

/**
 * The list of findings for one notebook; "Check again" asks the server anew.
 */
export class FindingsView extends Widget {
  /** `bringForward` brings the notebook forward before a jump to one of its cells. */
  constructor(
    readonly notebook: NotebookPanel,
    private readonly bringForward: (panel: NotebookPanel) => void
  ) {
    super();
    this.addClass('jp-nbrefactor-Findings');
    const bar = document.createElement('div');
    bar.className = 'jp-nbrefactor-Findings-bar';
    this._status = document.createElement('span');
    this._status.className = 'jp-nbrefactor-Findings-status';
    const again = document.createElement('button');
    again.className = 'jp-mod-styled jp-mod-accept jp-nbrefactor-check-again';
    again.textContent = 'Check again';
    again.addEventListener('click', () => void this.check());
    bar.append(this._status, again);
    this._list = document.createElement('ul');
    this._list.className = 'jp-nbrefactor-Findings-list';
    this.node.append(bar, this._list);
  }

  /**
   * Save the notebook if it has unsaved changes (the server reads the file) and
   * list its findings.  Errors are shown in the panel, and thrown.
   */
  async check(): Promise<void> {
    const context = this.notebook.context;
    this._status.textContent = 'Checking…';
    this._list.replaceChildren();
    try {
      await context.ready;
      if (context.model.dirty) {
        await context.save();
      }
      const path = context.localPath || plainPath(context.path);
      const reply = await requestAPI<ICheckReply>('check', { path });
      this.list(reply.findings);
    } catch (error) {
      this._status.textContent = errorMessage(error);
      throw error;
    }
  }

  /** List `findings`, or say there are none. */
  private list(findings: IFinding[]): void {
    const count = findings.length;
    this._status.textContent =
      count === 0
        ? 'No duplicated code.'
        : `${count} finding${count === 1 ? '' : 's'}`;
    for (const finding of findings) {
      this._list.append(this.item(finding));
    }
  }

  private item(finding: IFinding): HTMLLIElement {
    const item = document.createElement('li');
    item.className = `jp-nbrefactor-finding jp-mod-${finding.severity}`;
    const jump = document.createElement('button');
    jump.className = 'jp-nbrefactor-finding-place';
    jump.textContent = placeName(finding);
    jump.title = `Go to ${placeName(finding)}`;
    jump.addEventListener('click', () => void this.reveal(finding));
    const code = document.createElement('span');
    code.className = 'jp-nbrefactor-finding-code';
    code.textContent = finding.code;
    const message = document.createElement('div');
    message.className = 'jp-nbrefactor-finding-message';
    message.textContent = finding.message;
    item.append(jump, code, message);
    if (finding.also.length > 0) {
      const also = document.createElement('div');
      also.className = 'jp-nbrefactor-finding-also';
      also.append('Copies: ');
      finding.also.forEach((place, i) => {
        const link = document.createElement('button');
        link.className = 'jp-nbrefactor-finding-other';
        link.textContent = placeName(place);
        link.title = `Go to ${placeName(place)}`;
        link.addEventListener('click', () => void this.reveal(place));
        also.append(...(i > 0 ? [', ', link] : [link]));
      });
      item.append(also);
    }
    return item;
  }

  private async reveal(place: IPlace): Promise<void> {
    if (this.notebook.isDisposed) {
      this._status.textContent = 'The notebook is closed.';
      return;
    }
    this.bringForward(this.notebook);
    if (!(await revealPlace(this.notebook, place))) {
      this._status.textContent = `${placeName(place)} is gone: check again.`;
    }
  }

  private _status: HTMLSpanElement;
  private _list: HTMLUListElement;
}

/** The panel (a main-area tab) that holds a FindingsView. */
export function findingsPanel(
  notebook: NotebookPanel,
  activate: (panel: NotebookPanel) => void
): MainAreaWidget<FindingsView> {
  const view = new FindingsView(notebook, activate);
  const panel = new MainAreaWidget({ content: view });
  panel.id = `nbrefactor-findings-${notebook.id}`;
  panel.title.label = `Duplicates: ${notebook.title.label}`;
  panel.title.closable = true;
  notebook.disposed.connect(() => panel.dispose());
  return panel;
}
