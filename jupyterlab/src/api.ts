/*
 * The nbrefactor server extension's HTTP API (nbrefactor/jupyter_ext): the shapes
 * of its replies and the one function that calls it.
 */

import { URLExt } from '@jupyterlab/coreutils';
import { ServerConnection } from '@jupyterlab/services';

/** Reply of POST nbrefactor/plan. */
export interface IPlanReply {
  plan: unknown;
  notebook: string;
  /** The module the function goes to, dotted ("taxi.taxi_tips"). */
  module: unknown;
  /** Whether that module exists (the function is added to it). */
  module_exists?: boolean;
  /** The project's modules code can go to, by name ("taxi_tips"). */
  modules?: string[];
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
  metadata?: Record<string, unknown>;
}

/** Reply of POST nbrefactor/apply. */
export interface IApplyReply {
  notebook: string;
  written: string[];
  moved: unknown;
  cells: IReplyCell[];
}

/** A place in the checked notebook: its cell (by id and index) and line. */
export interface IPlace {
  /** The cell's index among all cells, from 0 (shown to people as index + 1). */
  cell: number | null;
  cell_id: string | null;
  line: number;
}

/** One finding of POST nbrefactor/check. */
export interface IFinding extends IPlace {
  end_line: number;
  code: string;
  severity: 'error' | 'warning' | 'info';
  message: string;
  /** The other copies of a duplicated block. */
  also: IPlace[];
}

/** Reply of POST nbrefactor/check. */
export interface ICheckReply {
  notebook: string;
  findings: IFinding[];
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

/** The message of anything thrown. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) {
    return error.message;
  }
  return String(error);
}

/** Strip a drive prefix ("RTC:") and leading slashes from a contents path. */
export function plainPath(path: string): string {
  const colon = path.indexOf(':');
  const local = colon === -1 ? path : path.slice(colon + 1);
  return local.replace(/^\/+/, '');
}
