import Database from 'better-sqlite3';
import { vi } from 'vitest';

/**
 * Every better-sqlite3 connection that sets a pragma from now on (each state
 * database sets one first thing), so that a test can see each one closed
 * (`open` false). vi.restoreAllMocks undoes the spy.
 */
export function connectionsOpened(): Database.Database[] {
  const opened: Database.Database[] = [];
  const pragma = Database.prototype.pragma;
  vi.spyOn(Database.prototype, 'pragma').mockImplementation(function (this: Database.Database, ...a) {
    if (!opened.includes(this)) opened.push(this);
    return pragma.apply(this, a);
  });
  return opened;
}
