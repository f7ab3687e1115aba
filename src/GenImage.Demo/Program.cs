using System.Management.Automation;
using System.Management.Automation.Runspaces;
var iss = InitialSessionState.CreateDefault2();
using var rs = RunspaceFactory.CreateRunspace(iss);
rs.Open();
using var ps = PowerShell.Create(rs);
ps.AddScript("Get-Command | ForEach-Object { $_.Name }");
foreach (var o in ps.Invoke()) Console.WriteLine(o);
Console.WriteLine($"PS {ps.Runspace.Version} {System.Environment.Version}");
