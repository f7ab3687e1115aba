# genimage-probe: windows/1
# Runs inside the validation VM through Run Command: proves the image booted and finished OOBE.
$state = (Get-ItemProperty 'HKLM:\SOFTWARE\Microsoft\Windows\CurrentVersion\Setup\State' -ErrorAction SilentlyContinue).ImageState
$ok = $state -eq 'IMAGE_STATE_COMPLETE'
$result = @{ probe = 'windows'; status = $(if ($ok) { 'succeeded' } else { 'failed' }); imageState = "$state" } | ConvertTo-Json -Compress
"GENIMAGE-RESULT $result"
