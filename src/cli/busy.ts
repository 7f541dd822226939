import { isBusy } from '../store/database.js';

/** Runs `work` again while SQLite says another process is writing (each try is a whole transaction). */
export async function whileBusy<T>(work: () => Promise<T>, tries = 20): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (!isBusy(error) || attempt >= tries) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
    }
  }
}
