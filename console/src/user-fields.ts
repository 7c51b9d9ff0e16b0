// The directory's name rule as the page checks it while the admin types (the service checks again).

export const NAME_MIN = 3;
export const NAME_MAX = 40;
export const NAME_HINT = `${NAME_MIN}–${NAME_MAX} characters.`;

/** What is wrong with a name, in words naming the limits; undefined when it is fine. */
export function nameProblem(value: string): string | undefined {
  const name = value.normalize('NFC').trim().replace(/\s+/gu, ' ');
  const length = [...name].length;
  if (length < NAME_MIN || length > NAME_MAX) {
    return `Name must be ${NAME_MIN}–${NAME_MAX} characters (now ${length}).`;
  }
  return undefined;
}

export const fieldWord = (field: string) =>
  ({ name: 'Name', email: 'Email', password: 'Password', role: 'Role', newPassword: 'New password' })[field] ?? field;
