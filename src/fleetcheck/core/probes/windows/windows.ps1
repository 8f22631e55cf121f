# fleetcheck Windows probe: Windows PowerShell 5.1 and PowerShell 7.
# Read from standard input by the constant -EncodedCommand bootstrap in windows.py; nothing in this
# text comes from the inventory. Prints one compressed JSON object per line, one per section:
#   {"section":"<name>","data":{...}}   or   {"section":"<name>","error":{"fqid":...,"message":...}}
# The client decides every state. Event sections fetch a fixed lookback; the client applies its own
# window and identifies each event by log, provider and RecordId. ASCII only (stdin uses the OEM code page).
$ProgressPreference = 'SilentlyContinue'
$WarningPreference = 'SilentlyContinue'
$ErrorActionPreference = 'Stop'
try { [Console]::OutputEncoding = [Text.Encoding]::UTF8 } catch { }
$LookbackDays = 30
$MaxEvents = 500  # per query: keeps the worst case well under the 4 MiB output cap
$Since = (Get-Date).AddDays(-$LookbackDays)
$State = @{ hung = $false }

function Write-Line($obj) {
    [Console]::Out.WriteLine((ConvertTo-Json -InputObject $obj -Depth 8 -Compress))
}

function Get-ErrorInfo($rec) {
    $ex = $rec.Exception
    $info = @{ fqid = [string]$rec.FullyQualifiedErrorId; message = [string]$ex.Message
               type = $ex.GetType().FullName; category = [string]$rec.CategoryInfo.Category; hresult = $ex.HResult }
    if ($ex.InnerException) { $info.inner = [string]$ex.InnerException.Message }
    $info
}

# Each section either prints its data or an explicit error marker; one failure never stops the rest.
function Invoke-Section([string]$name, [scriptblock]$body) {
    try { $data = & $body; Write-Line @{ section = $name; data = $data } }
    catch { Write-Line @{ section = $name; error = (Get-ErrorInfo $_) } }
}

# EventData from the XML (names where the provider gives them, positional values always):
# the Message text is localised and may be missing, so logic never depends on it.
function ConvertFrom-Event($e, [bool]$withMessage) {
    $named = @{}
    $params = @()
    $xml = [xml]$e.ToXml()
    foreach ($n in $xml.SelectNodes("//*[local-name()='EventData']/*[local-name()='Data']")) {
        $key = $n.GetAttribute('Name')
        if ($key) { $named[$key] = $n.InnerText }
        $params += $n.InnerText
    }
    $o = @{ t = $e.TimeCreated; id = $e.Id; provider = $e.ProviderName; log = $e.LogName
            record = $e.RecordId; level = $e.Level; data = $named; params = $params }
    if ($withMessage) {
        $m = $null
        try { $m = $e.Message } catch { }
        if ($m) { $m = ($m -split "`r?`n")[0]; if ($m.Length -gt 300) { $m = $m.Substring(0, 300) } }
        $o.msg = $m
    }
    $o
}

# Zero matches makes Get-WinEvent throw NoMatchingEventsFound: it surfaces as the section's error
# marker and the client reads it as "no events" (the id is stable, the message is localised).
function Get-Events([hashtable]$filter, [string[]]$providers, [bool]$withMessage) {
    $filter.StartTime = $Since
    $raw = @(Get-WinEvent -FilterHashtable $filter -MaxEvents $MaxEvents -ErrorAction Stop)
    $out = @(foreach ($e in $raw) {
        if ((-not $providers) -or ($providers -contains $e.ProviderName)) { ConvertFrom-Event $e $withMessage }
    })
    @{ since = $Since; lookback_days = $LookbackDays; max_events = $MaxEvents
       capped = ($raw.Count -ge $MaxEvents); fetched = $raw.Count; events = $out }
}

Invoke-Section 'meta' {
    $me = [Security.Principal.WindowsPrincipal][Security.Principal.WindowsIdentity]::GetCurrent()
    @{ probe = 1; ps = [string]$PSVersionTable.PSVersion; edition = [string]$PSVersionTable.PSEdition
       now = [DateTime]::UtcNow; lookback_days = $LookbackDays; max_events = $MaxEvents
       elevated = $me.IsInRole([Security.Principal.WindowsBuiltInRole]::Administrator) }
}

Invoke-Section 'os' {
    $o = Get-CimInstance -ClassName Win32_OperatingSystem
    $power = Get-ItemProperty -Path 'HKLM:\SYSTEM\CurrentControlSet\Control\Session Manager\Power' -ErrorAction SilentlyContinue
    $boot = $null
    try {
        $k = Get-WinEvent -FilterHashtable @{ LogName = 'System'; ProviderName = 'Microsoft-Windows-Kernel-Boot'; Id = 27 } -MaxEvents 1 -ErrorAction Stop
        $boot = ConvertFrom-Event $k $false
    } catch { $boot = @{ error = (Get-ErrorInfo $_) } }
    # Model/Manufacturer tell a VM ("Virtual Machine", "VMware...") from a physical PC (checks/virt.py)
    try {
        $c = Get-CimInstance -ClassName Win32_ComputerSystem
        $cs = @{ model = $c.Model; manufacturer = $c.Manufacturer; hypervisor_present = $c.HypervisorPresent }
    } catch { $cs = @{ error = (Get-ErrorInfo $_) } }
    @{ caption = $o.Caption; version = $o.Version; build = $o.BuildNumber; last_boot = $o.LastBootUpTime
       mem_total_kb = $o.TotalVisibleMemorySize; mem_free_kb = $o.FreePhysicalMemory
       pagefile_total_kb = $o.SizeStoredInPagingFiles; pagefile_free_kb = $o.FreeSpaceInPagingFiles
       hiberboot = $power.HiberbootEnabled; boot_event = $boot; computer = $cs }
}

Invoke-Section 'volumes' {
    @{ volumes = @(Get-CimInstance -ClassName Win32_Volume -Filter 'DriveType=3' | ForEach-Object {
        @{ name = $_.Name; letter = $_.DriveLetter; label = $_.Label; fs = $_.FileSystem; size = $_.Capacity; free = $_.FreeSpace }
    }) }
}

Invoke-Section 'services' {
    $svcKey = 'HKLM:\SYSTEM\CurrentControlSet\Services\'
    @{ stopped_auto = @(Get-CimInstance -ClassName Win32_Service -Filter "StartMode='Auto' AND State<>'Running'" | ForEach-Object {
        @{ name = $_.Name; display = $_.DisplayName; state = $_.State; exit = $_.ExitCode; svc_exit = $_.ServiceSpecificExitCode
           delayed = $_.DelayedAutoStart; trigger = (Test-Path -LiteralPath ($svcKey + $_.Name + '\TriggerInfo')) }
    }) }
}

Invoke-Section 'reboot' {
    $cv = 'HKLM:\SOFTWARE\Microsoft\Windows\CurrentVersion'
    # PendingFileRenameOperations is a value, not a key: Test-Path cannot see it.
    $sm = Get-ItemProperty -Path 'HKLM:\SYSTEM\CurrentControlSet\Control\Session Manager' -Name PendingFileRenameOperations -ErrorAction SilentlyContinue
    $pfro = @($sm.PendingFileRenameOperations | Where-Object { $_ })
    @{ cbs = (Test-Path -Path "$cv\Component Based Servicing\RebootPending")
       wu = (Test-Path -Path "$cv\WindowsUpdate\Auto Update\RebootRequired")
       pfro_entries = $pfro.Count; pfro_sample = @($pfro | Select-Object -First 4) }
}

Invoke-Section 'events_power' {
    Get-Events @{ LogName = 'System'; Id = 41, 1001, 1074, 6005, 6006, 6008 } @(
        'Microsoft-Windows-Kernel-Power', 'Microsoft-Windows-WER-SystemErrorReporting', 'EventLog', 'User32') $true
}

Invoke-Section 'events_disk' {
    Get-Events @{ LogName = 'System'; Id = 7, 11, 51, 55, 98, 153; Level = 1, 2, 3 } @(
        'disk', 'Ntfs', 'Microsoft-Windows-Ntfs') $true
}

Invoke-Section 'events_app' {
    Get-Events @{ LogName = 'Application'; Id = 1000, 1002; Level = 2 } @('Application Error', 'Application Hang') $false
}

Invoke-Section 'defender' {
    $r = @{}
    try {
        $m = Get-MpComputerStatus
        $r.status = @{ am_service = $m.AMServiceEnabled; av = $m.AntivirusEnabled; rtp = $m.RealTimeProtectionEnabled
                       mode = [string]$m.AMRunningMode; sig_age_days = $m.AntivirusSignatureAge
                       sig_updated = $m.AntivirusSignatureLastUpdated; sig_version = $m.AntivirusSignatureVersion
                       engine = $m.AMEngineVersion; tamper = $m.IsTamperProtected }
    } catch { $r.status_error = Get-ErrorInfo $_ }
    # Windows Security Center names a third-party antivirus (client editions only).
    try {
        $r.products = @(Get-CimInstance -Namespace 'root/SecurityCenter2' -ClassName AntiVirusProduct | ForEach-Object {
            @{ name = $_.displayName; state = $_.productState } })
    } catch { $r.products_error = Get-ErrorInfo $_ }
    $r
}

Invoke-Section 'updates' {
    $r = @{}
    # The Windows Update COM API can hang: query it in a runspace and give up after 30 s.
    $ps = [PowerShell]::Create()
    try {
        [void]$ps.AddScript({
            $ErrorActionPreference = 'Stop'
            $f = { param($d) if ($d) { ([datetime]$d).ToString('s') + 'Z' } else { '' } }
            $au = (New-Object -ComObject Microsoft.Update.AutoUpdate).Results
            "au`t$(& $f $au.LastSearchSuccessDate)`t$(& $f $au.LastInstallationSuccessDate)"
            $s = (New-Object -ComObject Microsoft.Update.Session).CreateUpdateSearcher()
            $n = $s.GetTotalHistoryCount()
            if ($n -gt 0) {
                foreach ($u in $s.QueryHistory(0, [Math]::Min($n, 100))) {
                    "h`t$(& $f $u.Date)`t$([int]$u.Operation)`t$([int]$u.ResultCode)`t$($u.Title -replace '\s+', ' ')"
                }
            }
        })
        $h = $ps.BeginInvoke()
        if (-not $h.AsyncWaitHandle.WaitOne(30000)) {
            $State.hung = $true
            [void]$ps.BeginStop($null, $null)
            throw (New-Object TimeoutException 'the Windows Update API did not answer within 30 s')
        }
        $r.wu = @($ps.EndInvoke($h) | ForEach-Object { [string]$_ })
    } catch { $r.wu_error = Get-ErrorInfo $_ }
    try {
        $hf = @(Get-HotFix | Where-Object { $_.InstalledOn } | Sort-Object -Property InstalledOn -Descending)
        $r.hotfix_count = $hf.Count
        if ($hf.Count -gt 0) { $r.hotfix_latest = @{ id = $hf[0].HotFixID; installed = $hf[0].InstalledOn.ToString('yyyy-MM-dd') } }
    } catch { $r.hotfix_error = Get-ErrorInfo $_ }
    $r
}

# Print queues (judged by checks/printqueues.py): the spooler service first; Get-Printer and
# Get-PrintJob (PrintManagement module) only while it runs, since they would wait on a stopped one.
Invoke-Section 'printers' {
    $r = @{}
    try {
        $svc = Get-Service -Name Spooler -ErrorAction Stop
        $r.spooler = @{ status = [string]$svc.Status; start = [string]$svc.StartType }
    } catch { $r.spooler_error = Get-ErrorInfo $_ }
    if ($r.spooler -and $r.spooler.status -eq 'Running') {
        try {
            $r.printers = @(Get-Printer -ErrorAction Stop | ForEach-Object {
                $p = $_
                $q = @{ name = $p.Name; status = [string]$p.PrinterStatus; jobs = $p.JobCount; shared = $p.Shared
                        port = $p.PortName; driver = $p.DriverName; comment = $p.Comment; location = $p.Location }
                try {
                    $q.job_list = @(Get-PrintJob -PrinterObject $p -ErrorAction Stop | Select-Object -First 50 | ForEach-Object {
                        @{ id = $_.Id; status = [string]$_.JobStatus; submitted = $_.SubmittedTime; user = $_.UserName
                           document = $_.DocumentName; pages = $_.TotalPages } })
                } catch { $q.job_error = Get-ErrorInfo $_ }
                $q
            })
        } catch { $r.printers_error = Get-ErrorInfo $_ }
    }
    $r
}

Write-Line @{ section = 'end'; data = @{ probe = 1 } }
[Console]::Out.Flush()
# A hung COM call keeps a foreground thread alive; leave without waiting for it.
if ($State.hung) { [Environment]::Exit(0) }
