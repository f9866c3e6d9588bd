/*
 * nbrefactor's JupyterLab extension: the commands "Refactor cell to module"
 * (refactor.ts) and "Check notebook for duplicates" (findings.ts), both served
 * by nbrefactor's server extension (api.ts).
 */

import {
  JupyterFrontEnd,
  JupyterFrontEndPlugin
} from '@jupyterlab/application';
import {
  ICommandPalette,
  MainAreaWidget,
  Notification
} from '@jupyterlab/apputils';
import { IDefaultFileBrowser } from '@jupyterlab/filebrowser';
import { INotebookTracker, NotebookPanel } from '@jupyterlab/notebook';

import { errorMessage } from './api';
import { FindingsView, findingsPanel } from './findings';
import { refactorSelectedCells, selectedCodeCellIds } from './refactor';

export * from './api';
export * from './findings';
export * from './refactor';

/** The plugin id; also the name of its settings schema (schema/plugin.json). */
const PLUGIN_ID = 'nbrefactor:plugin';

/** Command ids. */
export namespace CommandIDs {
  export const refactor = 'nbrefactor:refactor-cells-to-module';
  export const checkDuplicates = 'nbrefactor:check-duplicates';
}

const plugin: JupyterFrontEndPlugin<void> = {
  id: PLUGIN_ID,
  description:
    'Refactor selected notebook code cells into a function in a Python module, and list duplicated code.',
  autoStart: true,
  requires: [INotebookTracker],
  optional: [ICommandPalette, IDefaultFileBrowser],
  activate: (
    app: JupyterFrontEnd,
    tracker: INotebookTracker,
    palette: ICommandPalette | null,
    fileBrowser: IDefaultFileBrowser | null
  ) => {
    let refactoring = false;

    app.commands.addCommand(CommandIDs.refactor, {
      label: 'Refactor cell to module',
      caption:
        'Move the selected code cells into a function of a Python module',
      isEnabled: () => {
        const panel = tracker.currentWidget;
        return (
          !refactoring &&
          panel !== null &&
          selectedCodeCellIds(panel.content).length > 0
        );
      },
      execute: async () => {
        const panel = tracker.currentWidget;
        if (!panel || refactoring) {
          return;
        }
        refactoring = true;
        app.commands.notifyCommandChanged(CommandIDs.refactor);
        try {
          await refactorSelectedCells(panel, fileBrowser);
        } catch (error) {
          console.error('nbrefactor:', error);
          Notification.error(errorMessage(error), { autoClose: false });
        } finally {
          refactoring = false;
          app.commands.notifyCommandChanged(CommandIDs.refactor);
        }
      }
    });

    // One findings panel per notebook, opened beside it and reused.
    const panels = new Map<NotebookPanel, MainAreaWidget<FindingsView>>();
    const bringForward = (notebook: NotebookPanel) =>
      app.shell.activateById(notebook.id);

    app.commands.addCommand(CommandIDs.checkDuplicates, {
      label: 'Check notebook for duplicates',
      caption: 'List the duplicated code of this notebook (nbrefactor check)',
      isEnabled: () => tracker.currentWidget !== null,
      execute: async () => {
        const notebook = tracker.currentWidget;
        if (!notebook) {
          return;
        }
        let panel = panels.get(notebook);
        if (!panel || panel.isDisposed) {
          panel = findingsPanel(notebook, bringForward);
          panels.set(notebook, panel);
          panel.disposed.connect(() => panels.delete(notebook));
          app.shell.add(panel, 'main', {
            mode: 'split-right',
            ref: notebook.id
          });
        }
        app.shell.activateById(panel.id);
        try {
          await panel.content.check();
        } catch (error) {
          console.error('nbrefactor:', error);
          Notification.error(errorMessage(error), { autoClose: false });
        }
      }
    });

    const refresh = () => {
      app.commands.notifyCommandChanged(CommandIDs.refactor);
      app.commands.notifyCommandChanged(CommandIDs.checkDuplicates);
    };
    tracker.currentChanged.connect(refresh);
    tracker.activeCellChanged.connect(refresh);
    tracker.selectionChanged.connect(refresh);

    if (palette) {
      for (const command of [CommandIDs.refactor, CommandIDs.checkDuplicates]) {
        palette.addItem({ command, category: 'nbrefactor' });
      }
    }
    // The cell context menu entries and the keyboard shortcut are declared in
    // schema/plugin.json ("jupyter.lab.menus" and "jupyter.lab.shortcuts").
  }
};

export default plugin;
