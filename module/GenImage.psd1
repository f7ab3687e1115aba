@{ RootModule = "GenImage.Cmdlets.dll"; ModuleVersion = "0.1.0" }
