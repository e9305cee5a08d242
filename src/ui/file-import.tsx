/** Pieces both import panels use: choosing a file, and saying why a file was refused. */

/** A file input that hands over the chosen file and forgets it, so the same file can be chosen again. */
export function FileChooser({ name, accept, label, onFile }: { name: string; accept: string; label: string; onFile: (file: File) => void }) {
  return (
    <label class="import">{label}
      <input type="file" name={name} accept={accept} onChange={(e) => {
        const input = e.currentTarget;
        const file = input.files?.[0];
        input.value = '';
        if (file) onFile(file);
      }} />
    </label>
  );
}

/** A refused file: its name, that nothing changed, and each problem with where it is. */
export function FileRefused({ name, errors, onClose }: { name: string; errors: readonly { where: string; message: string }[]; onClose: () => void }) {
  return (
    <div class="errors" role="alert">
      <p><strong>{name} was not imported</strong>; nothing was changed:</p>
      <ul>{errors.map((e, i) => <li key={i}>{e.where ? `${e.where}: ` : ''}{e.message}</li>)}</ul>
      <button type="button" onClick={onClose}>Close</button>
    </div>
  );
}
