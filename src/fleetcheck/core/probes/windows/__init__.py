"""The Windows probe: `probe` orchestrates (command, script `windows.ps1`, families in order).

- `psjson.py`: reads the JSON-lines output of Windows PowerShell 5.1 and PowerShell 7;
- `sections.py`: what each section ran (quoted in evidence) and honest UNKNOWNs for sections
  that reported an error or never arrived.
The check families that judge the data are in `core/checks/windows/`.
"""
