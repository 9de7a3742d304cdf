// GugusServer
