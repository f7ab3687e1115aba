using GenImage.Demo;
using GenImage.Emulator;

namespace GenImage.Bench;

/// <summary>What every case against the emulator starts with: a hosted engine connected to it.</summary>
internal static class BenchSession
{
    /// <summary>Opens a hosted PowerShell engine with the staged module and connects it to <paramref name="host"/>.</summary>
    public static ScriptSession Connect(EmulatorHost host)
    {
        var session = ScriptRunner.Open();
        try
        {
            session.SetVariable("endpoint", host.Endpoint);
            session.SetVariable("thumbprint", host.CertificateThumbprint);
            Ensure(session.Run("Connect-GenImage -Emulator -Endpoint $endpoint -EmulatorCertificateThumbprint $thumbprint -ErrorAction Stop | Out-Null"), "Connect-GenImage");
            return session;
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>Fails the benchmark when a script had errors: a figure from a failed run is no figure.</summary>
    public static void Ensure(ScriptResult r, string what)
    {
        if (r.HadErrors || r.TerminatingException is not null)
        {
            throw new InvalidOperationException($"{what} failed during the benchmark:\n{r.Describe()}");
        }
    }
}
