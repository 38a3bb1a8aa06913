#Requires -Version 5.1
<#
.SYNOPSIS
  One command on a Windows 10/11 x64 build machine: 社工站工作平台 bundle + installer.

.DESCRIPTION
  Install first: Python 3.11 x64 (python.org, with the "py" launcher) and Inno Setup 6.3+.
  Then, in PowerShell at the project root:

      powershell -ExecutionPolicy Bypass -File installer\windows\build.ps1

  It creates .venv-win, installs the project and PyInstaller, fetches ChineseSimplified.isl
  when missing, then runs "python installer\build.py windows", which builds
  dist\shuanbai-desktop\ with PyInstaller, smoke-checks it and compiles
  dist\shuanbai-desktop-<version>-setup.exe with ISCC (version from shuanbai_desktop.__version__).
  Set $env:ISCC to ISCC.exe if Inno Setup is not in its default folder.
#>
param(
    [string]$PythonVersion = "3.11",
    [switch]$NoClean
)

$ErrorActionPreference = "Stop"
Set-StrictMode -Version Latest
$Root = (Resolve-Path (Join-Path $PSScriptRoot "..\..")).Path
Set-Location $Root
$env:PYTHONUTF8 = "1"

function Invoke-Step([string]$What, [scriptblock]$Block) {
    Write-Host "==> $What" -ForegroundColor Cyan
    & $Block
    if ($LASTEXITCODE -ne 0) { throw "$What failed (exit code $LASTEXITCODE)" }
}

# 1. Virtual environment with Python 3.11 x64
$Venv = Join-Path $Root ".venv-win"
$Py = Join-Path $Venv "Scripts\python.exe"
if (-not (Test-Path $Py)) {
    Invoke-Step "create $Venv with Python $PythonVersion" { py "-$PythonVersion" -m venv $Venv }
}
Invoke-Step "check Python (64-bit $PythonVersion)" {
    & $Py -c "import struct, sys; v = '%d.%d' % sys.version_info[:2]; assert struct.calcsize('P') == 8 and v == '$PythonVersion', sys.version; print(sys.version)"
}

# 2. Project, its dependencies and PyInstaller
Invoke-Step "pip install" {
    & $Py -m pip install --upgrade pip
    if ($LASTEXITCODE -eq 0) { & $Py -m pip install -e . pyinstaller }
}

# 3. Chinese (Simplified) messages for Inno Setup: an unofficial translation, shipped separately
$Isl = Join-Path $PSScriptRoot "ChineseSimplified.isl"
$InnoLanguages = @(
    "${env:ProgramFiles(x86)}\Inno Setup 6\Languages\ChineseSimplified.isl",
    "$env:ProgramFiles\Inno Setup 6\Languages\ChineseSimplified.isl",
    "$env:LOCALAPPDATA\Programs\Inno Setup 6\Languages\ChineseSimplified.isl"
)
if (-not (Test-Path $Isl) -and -not ($InnoLanguages | Where-Object { Test-Path $_ })) {
    Write-Host "==> download ChineseSimplified.isl" -ForegroundColor Cyan
    [Net.ServicePointManager]::SecurityProtocol = [Net.SecurityProtocolType]::Tls12
    Invoke-WebRequest -UseBasicParsing -OutFile $Isl `
        -Uri "https://raw.githubusercontent.com/jrsoftware/issrc/main/Files/Languages/Unofficial/ChineseSimplified.isl"
}

# 4. Bundle, smoke check, installer (python installer\build.py windows)
$BuildArgs = @("installer\build.py", "windows")
if ($NoClean) { $BuildArgs += "--no-clean" }
Invoke-Step "python installer\build.py windows" { & $Py @BuildArgs }

Write-Host "Done. Installer: $(Get-ChildItem (Join-Path $Root 'dist\shuanbai-desktop-*-setup.exe') | Select-Object -Last 1)" -ForegroundColor Green
