[assembly: System.Runtime.CompilerServices.InternalsVisibleTo("GenImage.Core.Tests")]
