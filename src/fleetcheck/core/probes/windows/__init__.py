"""The Windows probe: `probe` orchestrates (command, script `windows.ps1`, families in order).

- `psjson.py`: reads the JSON-lines output of Windows PowerShell 5.1 and PowerShell 7;
- `sections.py`: what each section ran (quoted in evidence) and honest UNKNOWNs for sections
  that reported an error or never arrived;
- `read.py`: each section's data into the typed values a family judges (the host's part).
The check families that judge those values are in `core/checks/windows/`.
"""
