// Word lists written for Ward by its authors (not copied from a
// third-party list). Keep them lower case, ASCII and sorted.

package detect

// The dictionaries behind PERSON and LOCATION, written from general
// knowledge by the Ward authors (not copied from a third-party list nor
// derived from any evaluation file). Each list is one string of entries,
// each ended by a comma: lower case, ASCII (letters with diacritics are
// looked up folded: "José" finds "jose") and sorted, which
// TestDictionariesSorted checks; a place may be several words separated
// by single spaces. A word may be in several lists ("jordan": given name,
// surname and country); nameOrPlace weighs the lists a capitalised word is
// in with the words around it. As strings they cost a guest only their
// bytes; the table that looks them up is built on first use (nameDict), so
// guards that do not scan PERSON or LOCATION never pay for it.

// givenNames are common given names across many languages and cultures.
const givenNames = "" +
	"aaliyah,aapo,aarav,aaron,aarti,aba,abby,abdel,abdiel,abdul,abdulahi,abdulkadir,abdullah," +
	"abdulrahman,abebe,abel,abena,abhay,abhishek,abigail,abiodun,abraham,abu,abubakar,ace,ada," +
	"adaeze,adalyn,adam,adamo,adan,addie,addison,ade,adebayo,adel,adelaida,adelaide,adele," +
	"adelheid,adeline,adeola,aditi,aditya,adjoa,adolfo,adonis,adrian,adriana,adriano,adrien," +
	"adrienn,adrienne,adwoa,afia,afolabi,afonso,afshin,afua,agata,agathe,agnes,agnieszka," +
	"agostino,agus,agustin,agustina,ah,ahmad,ahmadi,ahmed,ahmet,aidan,aiden,aileen,aimee,aino," +
	"ainsley,aisha,aisling,aitana,ajay,akash,akbar,akiko,akin,akinyi,akira,akosua,akram,akshay," +
	"akua,alain,alaina,alan,alana,alani,alanna,alasdair,alayna,alba,albane,albert,alberta," +
	"alberto,alda,aldo,alec,alejandra,alejandro,aleksandar,aleksander,aleksandr,aleksandra," +
	"aleksei,alemayehu,alena,ales,alessandra,alessandro,alessia,alex,alexa,alexander,alexandra," +
	"alexandre,alexandria,alexandros,alexandru,alexei,alexia,alexis,alfie,alfonso,alfred," +
	"alfredo,ali,alice,alicia,alina,alireza,alisa,alisha,alison,alivia,aliyu,alla,allan,allie," +
	"allison,alma,almaz,alois,alok,alondra,alonso,alphonse,alvaro,alvin,alyssa,ama,amadou," +
	"amaka,amal,amalia,amanda,amandine,amani,amari,amaya,amber,ambika,ambre,ambrose,amedeo," +
	"amelia,amelie,amin,amina,aminata,aminu,amir,amira,amit,amitabh,amos,amparo,amrita,amy,an," +
	"ana,anabel,anahi,anais,anand,ananya,anastasia,anastasios,anatole,anatoly,anca,anders," +
	"anderson,andi,andras,andre,andrea,andreas,andreea,andrei,andreina,andres,andrew,andrija," +
	"andrzej,andy,anette,angel,angela,angelica,angeliki,angelina,angelo,angie,angus,anh,ani," +
	"anika,aniko,anil,anita,aniyah,anja,anjali,anke,ankit,ann,anna,annabel,annabelle,annalise," +
	"anne,anneli,anneliese,annemarie,annette,annie,annika,anong,anouk,ansel,ante,anthony," +
	"antoine,antoinette,anton,antonella,antonia,antonio,antonis,anupam,anushka,anwar,anya,aoi," +
	"aoife,apinya,apolline,apollo,april,araceli,aracely,arash,archer,archie,ardeshir,ari," +
	"ariana,arianna,ariel,ariella,arif,arjun,arkady,arlene,arlo,armand,armando,armani,armelle," +
	"armin,arnaud,arnav,arne,arnold,aron,artem,arthur,arturo,arun,aruna,arunee,arya,aryan,asa," +
	"asahi,asha,asher,ashley,ashok,ashton,ashwin,asma,astrid,asuka,athanasios,athena,atsushi," +
	"atticus,attila,aubrey,audra,audrey,august,augustin,augustus,aurelia,aurelie,aurelien," +
	"aurelio,aurora,austin,autumn,ava,avani,avery,avi,avraham,axel,axelle,ayaka,ayane,ayden," +
	"ayelet,ayesha,ayla,aylin,ayman,ayodele,ayse,aysel,ayumi,azadeh,azalea,aziz,babak,bahar," +
	"bahram,bailey,balazs,bambang,bao,baptiste,baraka,barbara,baris,barney,barry,bartolome," +
	"bartosz,bashir,basil,bastien,bayani,beatrice,beatrix,beatriz,beau,beckett,becky,behnaz," +
	"bekele,bela,belinda,bella,ben,benedetta,benedict,benedicte,bengt,benito,benjamin,bennett," +
	"benoit,benson,berenice,berk,bernadette,bernard,bernd,bernice,bert,bertha,berthold,beryl," +
	"bessie,beth,bethany,bettina,bettino,betty,beverly,bhavesh,bhavna,bianca,bich,bijan,bilal," +
	"bill,billy,binh,birgit,birgitta,bisi,bituin,bjorn,blaine,blake,blanca,blanche,blandine,bo," +
	"bob,bobby,bodhi,bogdan,bohdan,bohumil,bojan,bonita,bonnie,boonmee,bora,boris,bowen,bozena," +
	"brad,braden,bradford,bradley,brady,bram,brandon,branko,braxton,brayden,brecken,brenda," +
	"brendan,brent,brett,brian,briana,brianna,bridget,brielle,brigitte,brinley,bristol,britt," +
	"brittany,brittney,brock,brody,bronson,bronwen,brooke,bruce,bruna,bruno,bryan,bryce,brycen," +
	"bryson,budi,bukola,burak,byron,byung,cade,cadence,cahya,caiden,caio,caitlin,caleb,callie," +
	"callum,calogero,calvin,cam,camden,cameron,camila,camilla,camille,camilo,candace,candela," +
	"capucine,cara,carina,carl,carla,carlo,carlos,carmela,carmelo,carmen,carol,carole,carolina," +
	"caroline,carolyn,carrie,carson,carter,carys,casey,casimiro,cason,cassandra,cassidy," +
	"catalin,catalina,catherine,cathy,catriona,cayetano,cecelia,cecil,cecile,cecilia,cedric," +
	"celeste,celia,celine,cem,cemal,cerys,cesar,cesare,cezar,chad,chae,chaiwat,chana,chandler," +
	"chandra,chang,chanida,chantal,charity,charlee,charlene,charles,charlie,charlotte,chase," +
	"chau,chaya,chelsea,chen,cheng,cheol,cherie,cheryl,chester,chetan,chi,chiamaka,chiara," +
	"chibuike,chidi,chidinma,chieko,chihiro,chijioke,chika,chinedu,chinonso,chinwe,chioma," +
	"chipo,chloe,chris,christa,christian,christiana,christina,christine,christoph,christophe," +
	"christopher,christos,christy,chukwudi,chukwuemeka,chul,chun,ciara,ciaran,cindy,cipriano," +
	"claire,clara,clarence,clarissa,clarisse,claude,claudia,claudine,claudio,claudiu,clayton," +
	"clemence,clement,clemente,clifford,clifton,clint,clyde,cody,colby,cole,colette,colin," +
	"colleen,colt,colton,concepcion,concetta,connie,connor,conor,conrad,constantin,consuelo," +
	"cooper,cora,coralie,corbin,corey,corina,corinne,cornelius,corrado,cosimo,cosmin,costanza," +
	"courtney,craig,crisanto,cristian,cristiano,cristina,cristobal,cruz,crystal,csaba,cuong," +
	"curtis,cynthia,cyril,cyrille,daan,dae,dafydd,dag,daichi,daiki,daisuke,daisy,dakota,dale," +
	"dalia,dalisay,dallas,damian,damien,damon,dan,dana,dane,danica,daniel,daniela,daniele," +
	"danielle,danjuma,danny,dante,dao,daphne,daria,dario,darius,dariush,dariusz,darko,darla," +
	"darlene,darnell,darren,darryl,darshan,daryl,datu,dave,davian,david,davide,davor,dawit," +
	"dawn,dawson,dayana,dean,deanna,deborah,debra,declan,dedi,deepa,deepak,deirdre,dejan," +
	"delaney,delfina,delia,della,delores,delphine,demetrius,denis,denise,deniz,dennis,derek," +
	"derrick,desiree,desmond,desta,destiny,detlef,devendra,devika,devin,devon,dewey,dewi," +
	"dexter,dezso,dhruv,dian,diana,diane,dianna,didier,diego,diem,dieter,dietrich,dimitra," +
	"dimitrios,dina,dinesh,dinh,dino,diogo,dirk,divya,diya,dmitri,dmitry,dmytro,dolores," +
	"domenico,dominic,dominick,dominique,don,donald,donatella,dong,donna,donovan,donte,dora," +
	"doreen,dorian,dorin,doris,dorota,dorothee,dorothy,doru,douglas,dov,dragan,drake,duane,duc," +
	"dudley,dulce,dumisani,dung,dusan,dustin,duyen,dwayne,dwight,dylan,eamon,earl,easton,ebele," +
	"eberhard,ebony,ebru,eddie,eden,edgar,edison,edith,edmund,edna,edoardo,edouard,eduarda," +
	"eduardo,edward,edwin,eero,efrain,efrat,efua,egon,egor,eiji,eileen,eilidh,einar,eino,eitan," +
	"eka,ekaterina,ekene,ekow,elad,eladio,elaina,elaine,elbert,eleanor,elena,eleni,eleonore," +
	"elfriede,elham,eli,eliana,eliane,elianna,elias,elif,elijah,elin,elina,eline,elio,elisa," +
	"elise,eliza,elizabeth,elke,ella,ellen,elliana,ellie,elliot,ellis,elmer,elodie,eloise," +
	"elowen,eloy,elsa,elsie,elvira,elzbieta,emanuel,emanuele,emeka,emeline,emerie,emerson," +
	"emery,emi,emil,emile,emiliano,emilie,emilio,emily,emine,emma,emmanuel,emmanuelle,emmett," +
	"emory,emre,emyr,encarnacion,endang,enitan,ennio,enrico,enrique,enzo,eoin,eric,erica,erich," +
	"erik,erika,erin,erna,ernest,ernestine,ernesto,ernst,erzsebet,eshe,esi,eskil,esme," +
	"esmeralda,esperanza,esra,esteban,estefania,estelle,esther,estrella,eszter,ethan,ethel," +
	"etienne,etta,ettore,eugene,eugenia,eugenie,eugenio,eun,eunice,eusebio,eva,evan,evangelia," +
	"evangeline,evaristo,evelyn,evelyne,everett,everly,evgeny,ewa,ewald,eyal,ezra,fabian," +
	"fabien,fabio,fabiola,fabrice,fabrizio,faezeh,faith,fajar,fang,fannie,fanny,farah,farhad," +
	"farhan,farid,farideh,faris,farnaz,farshid,fatih,fatima,fatma,fausto,fawzi,faye,federica," +
	"federico,fedor,fei,fela,felicia,felicien,felicity,felipe,felix,femi,femke,feng,ferenc," +
	"fereshteh,fergus,fern,fernand,fernanda,fernando,fidel,fiifi,fikre,filippo,finley,finn," +
	"finnegan,fiona,fiorella,fitri,flavia,flavie,flavio,floor,flora,florence,florencio,florian," +
	"florin,floyd,flynn,folake,folasade,forrest,fortunato,franca,frances,francesca,francesco," +
	"francine,francis,francisca,francois,francoise,frank,frankie,franklin,frantisek,franz," +
	"fraser,fred,freda,freddie,frederic,frederick,frida,frieda,friedhelm,friedrich,fu,fumiko," +
	"fumio,funke,funmilayo,gabor,gabriel,gabriela,gabriele,gabrielle,gael,gaelle,gaetano,gail," +
	"gal,galilea,galina,gang,gannon,gareth,garrett,gary,gaspar,gaston,gaurav,gautam,gavin," +
	"gayle,geert,geeta,gemma,gen,genaro,gene,genesis,genevieve,gennady,geoffrey,georg,george," +
	"georges,georgia,georgina,georgios,gerald,geraldine,gerard,gerardo,gerd,gerda,gerhard," +
	"gerrit,gertrude,gethin,ghazal,gheorghe,ghislaine,giacomo,giang,gianluca,gianna,gianni," +
	"giao,gideon,gilad,gilbert,gilberto,gilda,gilles,gina,ginger,gino,giorgia,giorgio,giorgos," +
	"giovana,giovanna,giovanni,girish,girma,gisela,gisele,giselle,gita,giulia,giuliana,giulio," +
	"giuseppe,gizem,gladys,glen,glenda,glenn,gloria,glyn,golnaz,goncalo,gonzalo,gopal,goran," +
	"gordon,goro,gottfried,govind,grace,graham,grant,graysen,grayson,graziano,graziella," +
	"grazyna,greg,gregoire,gregorio,gregory,greta,gretchen,greyson,griffin,grigory,grzegorz," +
	"guadalupe,guang,gudrun,gui,guido,guillaume,guillermo,gul,gunnar,gunner,gunter,gunther,guo," +
	"guohua,guoqiang,gustav,gustavo,guy,gwen,gwendoline,gwendolyn,gyorgy,gyu,gyula,ha,habib," +
	"hadas,hadi,hadiza,hadley,hae,hai,haile,hailey,hailong,haitao,haiyan,hakan,hal,hala,haley," +
	"halima,halina,hallie,hamed,hamid,hamish,hamza,han,hana,hanako,hang,hanh,hani,hanna,hannah," +
	"hannelore,hannu,hans,hao,haoran,harald,hari,harish,harley,harlow,harmony,harold,harper," +
	"harriet,harry,harsh,hartmut,haruka,haruki,haruto,harvey,hasan,hassan,hatem,hattie,hau," +
	"hauwa,hayato,hayden,hayes,hazel,heath,heather,heaven,hector,hedwig,heena,heidi,heike," +
	"heikki,heinrich,heinz,heitor,helen,helena,helene,helga,helmer,helmut,helmuth,hema,hendra," +
	"hendrik,heng,henk,henley,henning,henri,henrietta,henrik,henry,herbert,herman,hermann," +
	"hernan,heru,herve,hiba,hideki,hideo,hien,hieu,hikaru,hilario,hilary,hilda,hilde,hildegard," +
	"hina,hiroko,hiromi,hiroshi,hiroto,hiroyuki,hisashi,hitomi,ho,hoa,hoai,hoang,hoda,holden," +
	"holger,holly,homer,hong,hope,horace,horacio,horia,horst,hortense,hossein,howard,hua," +
	"hubert,hudson,hue,hugh,hugo,hui,huiling,huimin,hung,hunter,huong,huseyin,hussein,huxley," +
	"huy,hye,hyun,iain,ian,ibrahim,ichiro,ida,idris,ieuan,ifeanyi,ifeoma,ignacio,ignatius," +
	"ignazio,igor,ijeoma,ikechukwu,ikenna,iker,ilaria,ildiko,ileana,ilker,ilse,ilya,imad,iman," +
	"imani,imelda,imogen,imran,imre,indah,indira,indra,ines,ingeborg,ingo,ingrid,inmaculada," +
	"inna,intan,ioan,ioana,ioannis,ion,irem,irena,irene,irfan,irina,iris,irmgard,irvin,isaac," +
	"isabel,isabella,isabelle,isaiah,isaias,isamu,isha,ishaan,isidro,isla,issa,istvan,itai," +
	"italo,itamar,itzel,iulia,iulian,ivan,ivana,ivanna,ivar,ivica,ivy,izaiah,jaap,jabari,jace," +
	"jacek,jacinto,jack,jackie,jackson,jaclyn,jacob,jacoby,jacqueline,jacques,jada,jaden," +
	"jadiel,jadwiga,jae,jagger,jaime,jake,jakub,jalen,jamal,jamari,james,jameson,jamie,jamila," +
	"jan,jane,janelle,janet,janice,janie,janina,janiyah,janos,jared,jaroslav,jaroslaw,jarrod," +
	"jasmine,jason,jasper,jatin,javad,javier,jaxon,jay,jaya,jayant,jayce,jayden,jaylen,jazmin," +
	"jean,jeanette,jeanne,jeannie,jeff,jefferson,jeffrey,jelani,jelena,jemima,jenifer,jenna," +
	"jennifer,jenny,jens,jenson,jerald,jeremiah,jeremy,jerimiah,jeroen,jerome,jeronimo,jerry," +
	"jerzy,jesper,jesse,jessica,jesus,jett,jewel,ji,jia,jiahao,jian,jiang,jianguo,jianhua," +
	"jianjun,jianming,jianping,jiao,jiayi,jibril,jie,jill,jim,jimena,jimmy,jin,jing,jiri,jiro," +
	"jitka,jo,joachim,joan,joanna,joanne,joao,joaquim,joaquin,jocelyn,jochen,jodi,jody,joe," +
	"joel,joey,johan,johanna,johannes,john,johnnie,johnny,joko,jolanta,jolene,jolie,jon,jonah," +
	"jonas,jonathan,jong,joo,joon,joost,jordan,jorg,jorge,jose,josef,josefa,joseph,josephine," +
	"josette,josh,joshua,josiah,josip,josue,journey,jovan,joy,joyce,jozef,jozsef,juan,juana," +
	"juanita,judah,jude,judit,judith,judson,judy,juha,jukka,jules,julia,julian,juliana," +
	"julianne,julie,julien,juliette,julio,julius,jun,junaid,june,junichi,junior,junjie,junko," +
	"jurgen,justin,justyna,jyoti,kabir,kabiru,kaede,kagiso,kai,kaia,kaiden,kailash,kairo," +
	"kaitlyn,kaito,kaj,kaleb,kali,kalle,kamal,kamaria,kamau,kamil,kamila,kamran,kane,kang," +
	"kanya,kaori,kara,karan,karel,karen,kari,karim,karin,karl,karla,karolina,karsten,karter," +
	"kartik,kartika,kasey,kash,kashif,kassandra,katalin,katarzyna,kate,katelyn,katerina," +
	"katharine,katherine,kathleen,kathryn,kathy,katie,katrin,katrina,kaveh,kavita,kavya,kay," +
	"kayin,kayla,kaylani,kaylee,kayode,kazimierz,kazuki,kazuko,kazumi,kazuo,kebede,keegan," +
	"kehlani,kei,keiko,keira,keisha,keisuke,keith,kellan,kelly,kelsey,kemal,kemi,ken,kendall," +
	"kendra,kenichi,kenji,kenneth,kenny,kent,kenta,kenzie,kerry,kerstin,keshav,kevin,khadija," +
	"khalid,khalil,khanh,kian,kiana,kieu,killian,kim,kimberly,kingston,kinsley,kira,kiran," +
	"kirill,kirk,kirsten,kittisak,kiyoshi,kjell,klara,klaus,knox,knut,kobe,koen,kofi,koichi," +
	"koji,kojo,konrad,konstantin,konstantinos,kora,kostas,kourosh,krishna,kristen,kristian," +
	"kristin,kristina,kristy,krisztina,krystyna,krzysztof,ksenia,kukua,kumar,kumiko,kun,kunal," +
	"kunigunde,kurniawan,kurt,kwabena,kwadwo,kwaku,kwame,kwasi,kyla,kyle,kylie,kyoko,kyrie," +
	"kyung,lacey,lachlan,ladislav,laetitia,laila,lajos,lakan,lakshay,lakshmi,lalita,lam,lamar," +
	"lamberto,lan,lana,lance,landon,lane,larisa,larissa,larry,lars,laszlo,latoya,laura,laure," +
	"laurel,lauren,laurence,laurent,laurentiu,laverne,lawal,lawanda,lawrence,layla,layton,le," +
	"leah,leandro,lee,leena,lei,leif,leighton,leila,lela,leland,leni,lenka,lennon,lenora,leo," +
	"leon,leona,leonard,leonardo,leonel,leonid,leonie,leonor,leopoldo,lerato,leroy,leslie," +
	"lestari,lester,leszek,leticia,letizia,lev,lewis,lexi,leyla,li,liam,lian,liana,liang,liat," +
	"libor,lidia,lien,liesel,lieselotte,ligaya,lihua,liisa,lijun,lila,lilah,lilian,liliana," +
	"lillian,lily,limin,limor,lin,lina,lincoln,linda,lindiwe,lindsay,lindsey,ling,linh,linnea," +
	"lionel,liping,lisa,livia,liviu,lixin,liying,lizbeth,llewellyn,lloyd,loan,loc,logan,lois," +
	"lola,long,lonnie,loredana,lorena,lorenzo,loretta,lori,lorraine,lothar,lotte,lottie,louis," +
	"louise,lourdes,lu,luan,luana,lubos,luc,luca,lucas,lucia,lucian,luciana,luciano,lucie," +
	"lucien,lucille,lucio,lucrezia,lucy,ludmila,ludovic,luella,luigi,luis,luisa,luiz,luka," +
	"lukas,lukasz,luke,lula,lulu,luther,lutz,luzviminda,lydia,lyla,lyle,lynda,lynette,lynn," +
	"lyric,lyudmila,maarten,mabel,macarena,maciej,mack,macy,madalina,madeleine,madeline," +
	"madelyn,madhav,madhu,madison,mae,magdalena,maggie,magnus,mahesh,mahima,mahmoud,mahnaz," +
	"mahsa,mai,mairi,majid,makayla,makena,makoto,maksim,malachi,malaika,malcolm,malee," +
	"malgorzata,malia,malik,mami,mamie,mamoru,man,mandla,mandy,manfred,mani,manish,manisha," +
	"manlio,manoj,manon,manuel,manuela,mara,marc,marcel,marcela,marcella,marcelle,marcello," +
	"marcelo,marcia,marcie,marcin,marco,marcos,marcus,marek,margaret,margarete,margarita," +
	"margaux,margherita,margie,margot,marguerite,maria,mariah,mariam,mariama,marian,mariana," +
	"marianne,maricel,marie,marija,marijke,mariko,marilou,marilyn,marina,marine,mario,marion," +
	"marisa,marisol,marites,marius,mariusz,marjan,marjorie,mark,marketa,marko,markus,marla," +
	"marlene,marley,marlon,marsha,marta,martha,martin,martina,martine,marty,marvin,marwan,mary," +
	"maryam,maryse,marzena,masaki,masako,masao,masaru,masashi,masato,mason,massimo,mateo," +
	"matheus,mathieu,mathilde,matias,mats,matt,matteo,matthew,matthias,matti,maude,maureen," +
	"maurice,maurizio,mavis,max,maxim,maxime,maximiliano,maxine,maxwell,maya,mayank,mayumi," +
	"mckenna,meena,meenakshi,meera,mees,mega,megan,megumi,mehdi,mehmet,mehran,mei,meihua,meike," +
	"meiling,meir,mekhi,mekonnen,melanie,melany,melike,melinda,melissa,melody,melvin,meng," +
	"mercedes,mercy,meredith,merle,mervyn,meseret,messiah,mi,mia,micaela,micah,michael,michal," +
	"michalis,michel,michela,michele,michelle,michiko,mickey,miguel,mihaela,mihai,mihaly,mika," +
	"mikael,mike,mikhail,miki,mikko,miklos,milagros,milan,mildred,milena,miles,milica,millie," +
	"milo,milos,miloslav,milton,min,mina,minami,mindy,ming,minghua,mingming,minh,minnie,minoru," +
	"mio,mira,miranda,mircea,mireille,mirella,miriam,miroslav,miroslava,miroslaw,misaki,misty," +
	"mitali,mitchell,mitra,mitsuko,miwa,miyu,modesto,mohamed,mohammad,mohammadreza,mohammed," +
	"mohan,mohsen,moises,mojtaba,molly,momoko,mona,monica,monika,monique,monroe,morag,morgan," +
	"morten,morteza,moses,moshe,mosi,mostafa,mounir,moussa,mthunzi,mu,muhammad,muhammadu," +
	"mukesh,munir,murat,muriel,murilo,musa,mustafa,mustapha,my,mykola,mylene,myles,myra,myrtle," +
	"na,naama,nabil,nadav,nadeem,nadege,nadezhda,nadia,nadine,naguib,najib,nala,nam,nana," +
	"nanami,nancy,nandini,nandor,naoki,naomi,naresh,nash,nasim,nasiru,nasrin,nasser,natalia," +
	"natalie,natalya,nathalie,nathan,nathaniel,natsuki,nattapong,naveed,naveen,navid,nayeli," +
	"ndidi,nebojsa,neda,neha,nehemiah,neil,nele,nellie,nelson,nenad,nettie,neymar,nga,ngan," +
	"nghia,ngoc,ngozi,nguyet,nhan,nhi,nhu,nhung,nia,niamh,nicanor,nicholas,nick,nico,nicola," +
	"nicolas,nicole,nicoleta,nicoletta,niels,nikhil,nikita,niklas,nikola,nikolai,nikolaos," +
	"niloufar,nils,nima,nina,ning,nino,niran,nisha,nitin,nkechi,nkem,nnamdi,noa,noah,noam," +
	"noboru,noel,noelia,noelle,noemi,noemie,nolan,nomsa,nomvula,nora,norbert,noriko,norio," +
	"norma,norman,nour,noura,nova,nur,nurul,oanh,obi,obinna,oceane,octavia,octavian,octavio," +
	"odette,odile,ofer,oisin,ojas,oksana,olaf,ole,oleg,oleksandr,oleksandra,olena,olga,olive," +
	"oliver,olivia,olivier,ollie,olof,olu,oluwadamilare,oluwaseun,oluwatobi,omar,omari,omer," +
	"omid,ondrej,onur,opal,ope,ophelia,oren,orion,orly,ornella,orsolya,orville,osama,osamu," +
	"oscar,oskar,osvaldo,otavio,otis,ottavio,ottmar,otto,ousmane,ovidiu,owen,ozan,ozge,pablo," +
	"paco,padraig,paige,paisley,pallavi,paloma,pam,pamela,panagiotis,paola,paolo,parisa,parker," +
	"parth,parvin,pascal,pascual,pasquale,patrice,patricia,patricio,patrick,patrizia,paul," +
	"paula,paulette,paulina,pauline,paulo,pavel,pavla,pawel,paxton,payal,payam,pearl,pedro," +
	"pegah,peggy,pei,pekka,penelope,peng,per,percy,perla,perry,peter,petr,petra,petro,peyton," +
	"phat,philip,philippa,philippe,phillip,phoebe,phong,phuc,phuong,phyllis,pia,pierce,piero," +
	"pierre,pieter,pietro,pilar,pimchanok,ping,piotr,piper,pirjo,placido,polina,polly,pooja," +
	"porfirio,pouya,prachi,pradeep,prakash,pranav,prasad,prasert,prateek,predrag,preeti," +
	"preston,priscila,priscilla,priya,priyanka,przemyslaw,puja,putra,putri,qi,qian,qiang,qin," +
	"qing,qiong,quan,quang,quentin,quincy,quinn,quoc,quynh,rachael,rachel,radek,radha,radoslaw," +
	"radu,raegan,rafael,rafaela,rafal,raffaele,raghav,ragnar,rahmat,rahul,raiden,raimondo," +
	"rainer,raj,rajat,rajesh,rajiv,rakesh,ralf,ralph,raluca,ramesh,rami,ramin,ramiro,ramon," +
	"ramona,ramya,rana,randall,randy,rania,raphael,raquel,rashid,rasmus,ratna,raul,ravi,ray," +
	"rayan,raylan,raymond,razvan,reagan,reba,rebecca,reem,reese,reggie,regina,reginald,regine," +
	"rei,reiko,reinaldo,reinhard,reinhold,reka,rekha,remedios,remi,remington,remy,ren,renata," +
	"renate,renato,renaud,rene,renee,reuben,rex,reyna,reza,rhea,rhett,rhian,rhoda,rhonda,rhys," +
	"ricardo,riccardo,richard,rick,ricky,rie,rigoberto,riitta,riku,riley,rin,rina,rita,ritu," +
	"rivka,riya,rizky,rizwan,rob,robert,roberta,roberto,robin,rocco,rochelle,rocio,rocky," +
	"roderick,rodney,rodrigo,rogelio,roger,rohan,rohit,roisin,roland,rolando,rolf,romain,roman," +
	"romano,romeo,rommel,ronald,ronda,rong,roni,ronit,ronnie,rory,rosa,rosalba,rosalia,rosalie," +
	"rosalind,rosanna,rosario,rose,rosemarie,rosemary,rosie,ross,rou,rowan,rowen,roxana," +
	"roxanne,roy,roya,royce,ruben,ruby,rudolf,rudolph,rudy,rufino,rufus,rui,ruoxi,rupali," +
	"rupert,ruslan,russell,ruth,ruud,ryan,ryder,ryker,ryo,ryota,ryszard,ryu,saad,sabine,sabino," +
	"sabrina,sachin,sade,sadie,saeed,sage,sahar,sahil,said,saima,saki,sakura,salah,salim," +
	"sallie,sally,salma,salome,saloni,salvador,salvatore,sam,saman,samantha,sameer,sami,samir," +
	"samuel,sana,sandeep,sander,sandor,sandra,sandrine,sandro,sang,sani,sanjana,sanjay,sanjeev," +
	"sanne,santiago,santino,santo,santos,sapna,sara,sarah,sari,sarita,sarka,sarthak,sasa,sasha," +
	"satomi,satoshi,saturnino,saul,savannah,sayaka,scarlett,scott,seamus,sean,sebastian," +
	"sebastiao,sebastien,selah,selam,selena,selin,selma,sem,seo,seok,seon,sepideh,seppo,serena," +
	"serenity,serge,sergei,sergey,sergio,serkan,seth,setiawan,seung,severino,seymour,shadi," +
	"shahid,shahram,shai,shan,shana,shane,shannon,shanti,shari,sharif,sharmila,sharon,shaun," +
	"shawn,shawna,shazia,shehu,sheila,shelby,sheldon,shelia,shelley,sheng,sheri,sherman,sherri," +
	"sherry,shi,shigeru,shikha,shilpa,shin,shinji,shiori,shira,shirin,shirley,shiva,shivani," +
	"shlomo,shota,shreya,shu,shuang,shubham,shufen,shun,shweta,si,sian,siavash,sibusiso," +
	"siddharth,sidney,siegfried,sieglinde,siena,sierra,sigrid,silas,silke,silvia,silvio,simon," +
	"simona,simone,simran,sinan,sinead,siobhan,sipho,sirikit,sita,siti,siv,siyu,sizwe,skylar," +
	"slamet,slawomir,sneha,snezana,sofia,soheila,solange,soledad,solveig,somchai,sompong," +
	"somporn,somsak,son,sonal,song,sonia,sonja,sonya,soo,soon,sophia,sophie,sora,soren,sorin," +
	"soroush,sota,spencer,spyros,srdjan,sri,stacey,stacy,stanford,stanislav,stanislaw,stanley," +
	"stavros,stefan,stefania,stefano,steffen,stella,stephane,stephanie,stephen,sterling,steve," +
	"steven,stewart,stig,stijn,stjepan,stuart,subhash,suchart,suda,sue,sugeng,suharto,sukarno," +
	"sullivan,sune,sunee,sung,sunil,sunita,supaporn,surachai,suresh,susan,susana,susanne," +
	"susanti,sushil,susumu,suzanne,svea,sven,svetlana,swati,swen,sydney,sylvain,sylvia,sylvie," +
	"szilvia,szymon,tabitha,tadashi,tadesse,tadeusz,tahir,tai,takahiro,takashi,takeshi,takumi," +
	"tal,talia,tam,tamar,tamara,tamas,tamika,tammy,tania,tanvi,tanya,tao,tara,taraneh,taras," +
	"tarek,tareq,tarik,tariq,taro,tarun,tasha,tatiana,tatsuya,tatum,tatyana,tau,taufik,teagan," +
	"ted,teguh,tendai,teodora,teodoro,terence,teresa,tereza,terrence,terri,terry,teruo,tesfaye," +
	"tessa,tetsuya,thabo,thaddeus,thalia,thandiwe,thang,thanh,thanom,thao,thawatchai,thea," +
	"thelma,themba,theo,theodor,theodora,theodore,theodoros,theresa,thi,thiago,thibault,thien," +
	"thierry,thijs,thilo,thinh,thomas,thor,thorsten,thu,thuan,thuy,tian,tiana,tibor,tien," +
	"tiffany,till,tim,timo,timothy,timur,tin,tina,ting,tingting,titus,tiziana,toan,tobias,toby," +
	"todd,tom,tomas,tomasz,tomislav,tommaso,tommy,tomoko,tomoya,toni,tony,tonya,torsten," +
	"toshiko,toshio,tove,tracey,tracy,trang,travis,trent,trevor,tri,trinh,trinidad,trisha," +
	"tristan,troy,truc,trudy,trung,tsegaye,tsubasa,tu,tuan,tudor,tullio,tumelo,tuncay,tunde," +
	"tung,tuomas,tushar,tuula,tuyet,tyler,tyrone,tzvi,uchenna,uday,ugo,ujjwal,ulf,ulises,ulla," +
	"ulrich,ulrike,uma,umar,umberto,uriel,ursula,urszula,usha,usman,uta,ute,uwe,uyen,uzoma," +
	"vaclav,vadim,vahid,vaibhav,valentin,valentina,valentino,valeria,valerie,valerio,valery," +
	"van,vance,vandana,vanessa,varun,vasile,vasileios,vasilis,vasily,vasyl,vaughn,vedant," +
	"veikko,velma,vera,vernon,veronica,vesna,vicente,vicki,vicky,victoire,victor,victoria," +
	"vidal,vidar,viet,viggo,vijay,vikas,vikram,viktor,vinay,vincent,vincenzo,vinh,vinicius," +
	"vinod,viola,violet,viorel,virgil,virginia,virginie,vishal,vit,vitaly,vitor,vittoria," +
	"vittorio,vivian,vivienne,vladimir,vladislav,vojtech,volker,volodymyr,vy,wade,wael,wahyu," +
	"waleed,walid,wallace,walter,waltraud,wambui,wan,wanda,wanida,wanjiku,wanjiru,ward,warren," +
	"wati,waylon,wayne,wei,weidong,weiguo,weihua,weimin,wen,wendell,wendy,wenjie,wenjun,werner," +
	"wesley,weston,whitney,wichai,widodo,wieslaw,wilbur,wilfred,wilfried,wilhelm,will,willard," +
	"willem,william,willie,willis,wilma,winfried,winifred,winston,witold,wojciech,wolfgang,won," +
	"woo,wouter,wren,wulan,wyatt,xander,xavier,xia,xiang,xiao,xiaohong,xiaojun,xiaoli,xiaoling," +
	"xiaolong,xiaomei,xiaoming,xiaowei,xiaoyan,xiaoyu,ximena,xin,xinyi,xiu,xiulan,xiuying,xu," +
	"xuan,xue,ya,yaa,yael,yahir,yair,yakubu,yamini,yan,yang,yanling,yann,yannick,yannis," +
	"yanping,yanti,yaretzi,yaroslav,yasaman,yasemin,yash,yasmin,yasmine,yasser,yasuko,yasushi," +
	"yaw,yehuda,yejide,yelena,yen,yeon,yeong,yi,yichen,ying,yitzhak,yoav,yohannes,yoko,yolanda," +
	"yonatan,yong,yosef,yoshiaki,yoshiko,yoshio,yoshiro,yossi,young,youssef,yu,yuan,yudi,yue," +
	"yuhan,yui,yuichi,yuka,yuki,yukiko,yuko,yulia,yumi,yuming,yun,yuna,yuqing,yuri,yurii,yusuf," +
	"yusuke,yuta,yuting,yuto,yutong,yuxuan,yves,yvette,yvonne,zachary,zahra,zaid,zainab,zan," +
	"zane,zanele,zara,zayden,zbigniew,zdenek,ze,zeinab,zelda,zeljko,zewdu,zeynep,zhao,zhen," +
	"zheng,zhenyu,zhi,zhihao,zhiming,zhiqiang,zhiwei,zhong,zhu,zi,ziad,zihan,zion,ziva,zixuan," +
	"zodwa,zoe,zoey,zofia,zoila,zoltan,zoran,zoya,zsofia,zsuzsanna,zubair,zuri,zuwaira,zuzana,"

// surnames are common family names across many languages and cultures
// (particles such as "van" or "de" are not names on their own).
const surnames = "" +
	"aasen,abbasi,abbott,abdi,abdullah,abe,abramov,abramovich,abreu,abubakar,acar,acevedo," +
	"achebe,achieng,ackerman,acosta,adachi,adamczyk,adams,adebayo,adeleke,adewale,adeyemi," +
	"adeyemo,adhikari,adichie,adkins,afanasiev,afolabi,agarwal,agbaje,aggarwal,aguilar,aguirre," +
	"agyeman,ahmadi,ahmadzai,ahmed,ahn,ahrens,ahuja,ajayi,akande,akhtar,akimov,akinola,akiyama," +
	"aksoy,aktas,albers,albert,albrecht,aldridge,alekseev,alexander,alexandrov,ali,allen," +
	"almeida,alonso,aluko,alvarado,alvarez,amadi,amaral,amato,amiri,amsalem,andersen,anderson," +
	"andersson,ando,andrada,andrade,andre,andreev,andrei,andrews,angelis,anghel,anisimov," +
	"ansari,antonov,antunes,anyanwu,aoki,aoyama,appiah,aquino,arai,araujo,arce,archer,arias," +
	"arkhipov,armstrong,arnaud,arndt,arnold,arora,arroyo,arslan,asamoah,asano,asante,ashworth," +
	"aslan,assis,ates,atkins,atkinson,au,aubert,austin,avci,avery,avila,avraham,ayala,aydin," +
	"ayers,ayodele,azevedo,aziz,azizi,azoulay,ba,baba,babatunde,bach,badu,bae,baek,bai,baig," +
	"bailey,baird,bajwa,baker,bakken,bakker,balazs,baldwin,ball,ballard,balogh,balogun," +
	"bancroft,banda,banerjee,bang,banks,bansal,barakzai,baran,baranov,barber,barbier,barbieri," +
	"barbosa,barbu,barker,barlow,barnes,barnett,baron,barone,barr,barrera,barrett,barrios," +
	"barth,bartlett,barton,basile,bass,bassi,bastos,bates,batista,battaglia,bauer,baumann," +
	"baumgartner,bautista,baxter,bayer,beard,beasley,beaumont,becerra,beck,becker,beek,bekele," +
	"bell,bellini,bello,belousov,belov,belyaev,benedetti,bengtsson,benitez,benjamin,bennett," +
	"benoit,benson,benton,berg,berge,berger,berglund,bergmann,bergstrom,bernal,bernard," +
	"bernardi,berry,bertin,bertolini,bertrand,besson,beyer,bhandari,bhatia,bhattacharya," +
	"bianchi,bianco,bird,biryukov,bishop,biton,bjerke,bjork,black,blackburn,blackwell,blair," +
	"blake,blanc,blanchard,blanco,blankenship,blom,blomqvist,boakye,boateng,bock,boer,bogdan," +
	"bogdanov,bognar,bohm,bolton,bond,bondarenko,bonetti,bonnet,bonnin,booker,boone,borges," +
	"borghi,borisov,bos,bose,bosman,botha,boucher,bourgeois,bouvier,bowen,bowers,bowman,boyd," +
	"boyer,boyko,boyle,bozkurt,bradford,bradley,bradshaw,brady,braga,brambilla,branch,branco," +
	"brandl,brandt,braun,bravo,bray,brennan,brenner,brewer,bridges,briggs,brito,brock,broek," +
	"brooks,brouwer,brown,browning,bruce,bruijn,bruin,brun,brunet,brunetti,bruno,bryant," +
	"buchanan,buck,buckley,bui,bullock,bulut,burch,burgess,burke,burnett,burns,burris,burton," +
	"busch,bush,butler,butt,byers,bykov,byrne,byun,caballero,cabrera,cai,cain,cakir,caldeira," +
	"calderon,calhoun,callahan,calvo,camacho,camara,campana,campbell,campos,can,cannon,cano," +
	"cantrell,cao,cappelli,caputo,carbone,cardenas,cardinale,cardona,cardoso,carey,carli," +
	"carlson,carneiro,carney,caron,carpenter,carpentier,carr,carrasco,carrillo,carroll,carter," +
	"cartwright,caruso,carvalho,carver,case,casey,cash,castaneda,castelli,castillo,castro," +
	"cattaneo,cavaco,cavalcanti,cavallo,celik,cerny,cervantes,cetin,cha,chae,chaiyaporn," +
	"chakraborty,chambers,chan,chandler,chaney,chang,chao,chapman,charpentier,chase,chatterjee," +
	"chaturvedi,chau,chaudhry,chauhan,chavez,chen,cheng,cheon,chernov,chernyshev,cherry,cheung," +
	"chevalier,chevallier,chiba,chirwa,chiu,cho,choi,chong,choo,chopra,chow,christensen," +
	"christian,christodoulou,chu,chukwu,chun,church,churchill,ciobanu,cirillo,cisneros,claes," +
	"clark,clarke,clay,clayton,clement,clemons,cline,cobb,cochran,cochrane,coelho,coffey,cohen," +
	"cole,coleman,colin,collet,collier,collins,colombo,colon,colonna,combs,conley,conner," +
	"connolly,conrad,constantin,constantinescu,conte,conti,contreras,conway,cook,cooke,cooper," +
	"copeland,coppola,corbett,cordier,cordova,correa,correia,corsi,cortes,cortez,costa," +
	"costantini,courtois,coutinho,cox,craft,craig,crane,crawford,cristea,cristiani,crosby," +
	"cross,cruz,csizmadia,cuellar,cuevas,cui,cummings,cunha,cunliffe,cunningham,curtis," +
	"dabrowski,dahan,dahl,dahlberg,dai,daka,dale,dalessandro,dalton,dam,damico,dang,dangelo," +
	"daniels,danielsson,danilov,danjuma,danso,darko,darwish,daugherty,davenport,david,davidson," +
	"davies,davis,davydov,dawson,day,dean,dekker,dela,delacruz,delaney,delgado,delmas,demir," +
	"deng,denis,denisov,desai,deschamps,deshpande,devaux,dhillon,diaconu,diallo,dias,diaz," +
	"dickerson,dickson,dietrich,dietz,dijk,dijkstra,dike,dillon,dimitriou,ding,dinh,dinu,diop," +
	"dixon,djordjevic,dlamini,dmitriev,do,dobre,dodson,dogan,doherty,doi,dolezal,dominguez," +
	"donaldson,donati,donato,dong,donovan,dorn,dorsey,dougherty,douglas,downs,doyle,drake," +
	"driscoll,duan,duarte,dubey,dubois,duda,dudek,dudley,duffy,dufour,dumas,dumitru,dumont," +
	"duncan,dunlap,dunn,duong,dupont,dupuis,duran,durand,durham,durrani,dutta,duval,dvorak," +
	"dyer,eaton,eberhard,ebert,ebrahimi,eckert,edwards,efimov,efremov,egorov,eide,eklund," +
	"ekstrom,ekwueme,elliott,ellis,emelyanov,emenike,emerson,endo,engel,english,engstrom," +
	"enriquez,eom,erdogan,eremin,erickson,eriksen,eriksson,ermakov,ernst,escalante,escamilla," +
	"escobar,escobedo,esfahani,esparza,espinosa,espinoza,esposito,esquivel,estes,esteves," +
	"estrada,estrella,etienne,evans,everett,evers,eze,ezeh,fabbri,fabre,fajardo,falcone,fall," +
	"fan,fang,faria,farina,farkas,farley,farmer,farouk,farrell,faulkner,faure,fedorov,fedotov," +
	"fekete,feldman,feng,fenwick,ferguson,fernandes,fernandez,ferrara,ferrari,ferraro,ferreira," +
	"ferrero,ferretti,ferri,fiala,figueroa,filatov,filippov,finch,fink,finley,fiore,fiorentino," +
	"fischer,fisher,fitzgerald,fitzpatrick,fjeld,flanagan,fleming,fletcher,fleury,florea," +
	"flores,flowers,floyd,flynn,fodor,fok,fomin,fonseca,fontaine,fontana,forbes,ford,forsberg," +
	"foster,fournier,fowler,fox,franchi,francis,franco,francois,frank,franke,frazier,frederick," +
	"fredriksson,freeman,freitas,french,frey,friedman,friedrich,frimpong,frolov,frost,frye,fu," +
	"fuchs,fuentes,fujii,fujimoto,fujimura,fujita,fujiwara,fukuda,fukui,fuller,fumagalli,fung," +
	"furukawa,gaillard,gaines,gal,galindo,galkin,gallagher,gallardo,gallego,gallegos,galli," +
	"gallo,galloway,gamble,gamboa,gao,garba,garcia,gardner,garner,garnier,garrett,garrido," +
	"garza,gates,gatti,gauthier,gautier,gavrila,gavrilov,gay,gebhardt,geiger,gentile,gentry," +
	"georgescu,georgiou,gerard,gerasimov,gerlach,germain,geurts,ghani,gheorghe,ghimire," +
	"ghorbani,ghosh,gibbs,gibson,gil,gilbert,gill,gillespie,gillet,giordano,girard,giraud," +
	"girma,giuliani,glass,glenn,goddard,godoy,goebel,goel,goldberg,golden,goldstein,golubev," +
	"gomes,gomez,goncharov,gong,gonzalez,goodman,goodwin,goossens,gorbunov,gordon,gorski,goto," +
	"gough,gould,gowda,graaf,grabowski,grachev,graf,graham,granados,grant,grassi,grasso,graves," +
	"gray,greco,green,greenberg,greene,greer,gregory,grewal,griffin,griffith,griffiths," +
	"grigoriev,grimes,grishin,gromov,groot,gross,gu,guan,guerin,guerra,guerreiro,guerrero," +
	"guevara,guidi,guillaume,guimaraes,gul,guler,gumede,gunawan,gunes,gunther,guo,gupta,gurung," +
	"gusev,gustafsson,guthrie,gutierrez,guyot,guzman,gyamfi,ha,haan,haas,haase,haddad,hadley," +
	"hagen,hahn,haile,hajek,hakansson,hakimi,halasz,hale,haley,halim,hall,halliday,halvorsen," +
	"ham,hamada,hamalainen,hamdan,hamid,hamilton,hammond,hamon,hampton,han,hancock,hanna," +
	"hansen,hanson,hansson,hao,hara,harada,hardin,harding,hardy,hargreaves,harmon,harper," +
	"harrell,harris,harrison,hart,hartley,hartmann,hartono,hartung,harvey,hasegawa,hashemi," +
	"hashimoto,hassan,hatfield,hattori,haugen,haugland,hawkins,hayashi,hayes,haynes,hays,he," +
	"hebert,hedlund,hegde,hegedus,heijden,heikkila,heikkinen,heinemann,heinonen,heinrich," +
	"heller,hellstrom,henderson,hendriks,hennessy,henriksson,henriquez,henry,hensley,heo," +
	"hermann,hermans,hernandez,herrera,herring,herrmann,hess,heuvel,hewitt,hickman,hicks," +
	"hidalgo,hidayat,higgins,higuchi,hill,hines,hinton,hinz,hirano,hirata,hlongwane,ho,hoang," +
	"hobbs,hodge,hodges,hodgson,hoekstra,hoffman,hoffmann,hofmann,hogan,holcomb,holden,holland," +
	"holloway,holm,holmberg,holmes,holt,holz,honda,hong,hood,hoogland,hoover,hopkins,hopper," +
	"horak,hori,horiuchi,horn,horne,horton,horvat,horvath,hosseini,hou,house,houston,howard," +
	"howe,howell,hu,huang,hubbard,huber,hubert,hudson,huerta,huff,huffman,hughes,hui,huisman," +
	"hull,humbert,humphrey,hunt,hunter,hurley,hurst,hussain,hutchins,hutchinson,huynh,hwang," +
	"hyde,hyun,ibanez,ibarra,ibe,ibekwe,ibrahim,igarashi,iglesias,igwe,iida,ikeda,ikeji,ilic," +
	"ilori,ilyin,imai,ingram,inoue,ioannou,ionescu,ip,iqbal,irwin,isaev,isaksson,ishida,ishii," +
	"ishikawa,isik,ito,ivanov,ivanova,iwasaki,iwata,iwu,iyengar,iyer,jablonski,jackson,jacob," +
	"jacobs,jacquet,jadhav,jafari,jager,jaimes,jain,jakob,jakobsson,jalali,james,jang," +
	"jankowski,jansen,janssen,jansson,jaramillo,jarvinen,jarvis,javed,jaworski,jean,jefferson," +
	"jelinek,jenkins,jennings,jensen,jeon,jeong,jesus,ji,jia,jiang,jiao,jimenez,jin," +
	"johannessen,johansen,johansson,johns,johnsen,johnson,johnston,joly,jones,jong,jonker," +
	"jonsson,joo,jordan,jorgensen,joseph,joshi,jovanovic,joyce,ju,juarez,juhasz,julien,jun," +
	"jung,kaczmarek,kaiser,kalinin,kalu,kamara,kamata,kamau,kaminski,kane,kaneda,kaneko,kang," +
	"kaplan,kapoor,kara,karimi,kariuki,karki,karlsson,karpov,karzai,katayama,kato,katz,kaufman," +
	"kavanagh,kawaguchi,kawakami,kawamura,kaya,kazakov,kazemi,keane,kebede,keita,keith,keller," +
	"kelly,kemp,kendall,kennedy,kent,kerr,keskin,kessler,key,khadka,khalil,khan,khanna," +
	"kharitonov,khoury,khumalo,ki,kibet,kidd,kikuchi,kilic,kim,kimani,kimura,king,kinnunen," +
	"kinoshita,kiprop,kirby,kirchner,kirillov,kirk,kiselev,kiss,kitamura,klein,klimov,kline," +
	"klose,knapp,knight,knox,knudsen,knyazev,ko,kobayashi,koc,koch,koech,kohler,kojima,kok," +
	"kolar,kolb,kolesnikov,komarov,kondo,kondratiev,kong,konig,konovalov,konstantinou,kook," +
	"kopp,korhonen,korkmaz,korolev,kose,koskinen,koster,kotov,kovac,kovacs,koval,kovalchuk," +
	"kovalenko,kovalev,kowalczyk,kowalewska,kowalski,kozlov,kozlowski,kraft,kral,kramer," +
	"kratochvil,kraus,krause,kravchenko,krawczyk,kristensen,kristiansen,kriz,krol,krueger," +
	"kruger,krylov,kubat,kubo,kubota,kucera,kudo,kudryavtsev,kuffour,kuhn,kuipers,kulikov," +
	"kulkarni,kumar,kunene,kunz,kurihara,kurt,kusuma,kuzmin,kuznetsov,kuznetsova,kwak,kwan," +
	"kwiatkowski,kwok,kwon,kwong,labbe,lacroix,lai,laine,lakatos,lam,lama,lamb,lambert,lammers," +
	"lancaster,landry,lane,lang,langat,lange,langley,langlois,lanza,lara,larsen,larson,larsson," +
	"lau,laurent,law,lawal,lawrence,lawson,lazar,lazarev,lazzari,leach,leal,lebedev,leblanc," +
	"lebrun,leclerc,leclercq,lecomte,lee,leeuwen,lefebvre,lefevre,legrand,lehmann,lehtinen," +
	"lehtonen,lei,leite,lemaire,lemoine,lenz,leon,leonard,leone,leong,leonov,leroux,leroy," +
	"lesage,lester,leung,levi,levine,levy,lewandowski,lewis,li,lian,liang,liao,lie,liebig,lim," +
	"lima,limon,lin,lindahl,lindberg,linden,lindgren,lindholm,lindqvist,lindsay,lindsey," +
	"lindstrom,link,little,liu,livingston,lloyd,lo,lockwood,logan,lombardi,lombardo,long,longo," +
	"lopes,lopez,lorenz,lou,love,lowe,lowery,lozada,lozano,lu,luca,lucas,lucero,ludwig,lugo," +
	"lui,lukyanov,luna,lund,lundberg,lundgren,lundin,lundqvist,lundstrom,lungu,luo,luong,lupo," +
	"lutz,lv,ly,lynch,lyons,lysenko,ma,maas,macdonald,macedo,machado,macharia,macias,mack," +
	"madden,maddox,madrid,madsen,maeda,maeng,maes,magagula,magalhaes,magana,magar,maggi," +
	"magnusson,mahlaba,mahlangu,mahmoud,mahoney,maia,maier,maillard,maina,majewski,mak,makarov," +
	"makela,makinen,maksimov,maldonado,malhotra,malik,malinowski,malka,malyshev,mancini," +
	"mancuso,mann,manning,manole,mansour,manu,manzoni,marchand,marchenko,marchetti,marchi," +
	"marciniak,marechal,marek,mariani,marie,marin,marini,marino,markov,markovic,marks,marques," +
	"marquez,marsh,marshall,martel,martin,martinelli,martinez,martini,martino,martins,martynov," +
	"maruyama,marx,maslov,mason,masson,masuda,mata,matei,mathieu,matos,matsuda,matsui," +
	"matsumoto,matsumura,matsuo,matthews,mattsson,matveev,maury,maxwell,mayer,mays,mazur,mazza," +
	"mazzola,mbatha,mbeki,mbugua,mcbride,mccarthy,mcclain,mccormick,mccoy,mccullough,mcdaniel," +
	"mcdonald,mcfarland,mcgee,mcgrath,mcguire,mcintyre,mckay,mckee,mckenzie,mckinney,mcknight," +
	"mclean,mcmahon,mcmillan,mcneil,medeiros,medina,medvedev,meer,mehta,meier,meijer,mejia," +
	"mekonnen,melendez,melis,melnikov,melnyk,melo,melton,menard,mendes,mendez,mendoza,meng," +
	"menon,mensah,mercado,mercier,merrill,merritt,mertens,merwe,messina,meszaros,meunier,meyer," +
	"meyers,meza,mhlongo,miao,michalski,michel,middleton,migliore,mihai,mikhailov,mikheev," +
	"milani,miles,miller,millet,mills,min,minami,miranda,mironov,mirza,mishra,mitchell,miura," +
	"miyake,miyamoto,miyazaki,mizrahi,mizuno,mkhize,mo,mochizuki,moen,mohamed,mohammadi,mohr," +
	"moiseev,mojica,mok,mokoena,mol,moldovan,molina,moller,molnar,monroe,montalvo,montanari," +
	"monteiro,montes,montez,montgomery,monti,montoya,moody,moon,moore,mora,moradi,morais," +
	"morales,moran,morandi,moreau,moreira,morel,morelli,moreno,moretti,morgan,mori,morimoto," +
	"morin,morita,moro,moroz,morozov,morozova,morris,morrison,morrow,morse,mortensen,morton," +
	"moses,moss,moulin,moura,mousavi,moyo,mu,mueller,mukherjee,mulder,mullen,muller,mullins," +
	"munoz,munteanu,mura,murakami,murata,murayama,murphy,murray,musa,musso,mutai,mutua,mwangi," +
	"myers,myhre,myung,na,nagai,nagata,nagel,nagy,naidu,nair,naito,najafi,najjar,nakagawa," +
	"nakajima,nakamura,nakano,nakayama,nam,nascimento,nash,nasser,naumov,nava,navarro,nazari," +
	"nazarov,ncube,ndebele,ndiaye,ndlovu,neal,negri,nelson,nemec,nemeth,neri,nesterov,neumann," +
	"neves,newman,newton,ng,ngcobo,ngo,nguyen,ni,nichols,nicholson,nicolas,nielsen,niemi," +
	"nieminen,nieto,nijhuis,nikiforov,nikitin,nikolaev,nikolaou,nikolic,nilsson,nishida," +
	"nishikawa,nishimura,nistor,niu,njoroge,nkosi,nkrumah,nnadi,noack,nobile,noda,noel,noguchi," +
	"nogueira,noh,nolan,nomura,nordin,nordstrom,norman,norris,norton,novak,novikov,novikova," +
	"novoa,novotny,nowak,nowakowski,nugroho,nunez,nwachukwu,nwankwo,nwosu,nxumalo,nyberg," +
	"nygaard,nystrom,oakley,obi,obrien,ocampo,ochieng,ochoa,oconnell,oconnor,oda,odhiambo," +
	"odonnell,odukoya,oduro,oduya,ofori,ogata,ogawa,ogbonna,ogden,ogunbiyi,ogunleye,oh,ohashi," +
	"ohayon,ohlsson,ohno,ojeda,ojo,okabe,okada,okafor,okamoto,okamura,okeke,okonkwo,okoro," +
	"okpara,okuda,olah,olaniyan,olatunji,olivares,oliveira,oliver,olivier,oliynyk,olsen,olson," +
	"olsson,olszewski,oluwole,olvera,omondi,omura,oneal,oneill,onishi,ono,onuoha,onyango," +
	"onyeka,oosterhout,opoku,oprea,orlando,orlov,orozco,orr,ortega,ortiz,osagie,osborn,osborne," +
	"osei,oshima,osipov,osorio,ota,otani,otieno,otsuka,ott,otto,ou,ovchinnikov,owens,owino," +
	"owusu,oyama,oyebanji,oyelaran,ozcan,ozdemir,ozer,ozkan,ozturk,pace,pacheco,padilla,pagan," +
	"pagano,page,paiva,palacios,palma,palmer,palmieri,palumbo,pan,pandey,pandit,pang,panov," +
	"pantoja,papadakis,papadopoulos,pape,papp,pappas,paredes,paris,parisi,park,parker,parks," +
	"parrish,parsons,pasquier,pastore,patel,patil,patterson,patton,paul,pauwels,pavlov,pavlova," +
	"pawar,pawlowski,payne,pearce,pearson,pedersen,peeters,pei,peixoto,pellegrini,pellegrino," +
	"pena,peng,pennington,perea,pereira,peretz,perez,perkins,perrin,perrone,perrot,perry," +
	"persson,peters,petersen,peterson,petit,petrenko,petrov,petrova,petrovic,pettersson,petty," +
	"pfeifer,pfeiffer,pham,phan,phillips,phiri,piazza,picard,pickering,pierce,pierre,pietrzak," +
	"pillai,pineda,pini,pinter,pinto,piotrowski,piras,pires,pittman,pizarro,pohl,poirier," +
	"pokorny,polat,poli,polishchuk,pollard,polyakov,ponce,ponomarev,poole,poon,pop,popa,popal," +
	"pope,popescu,popov,popova,porcu,porter,portillo,pospisil,postma,potapov,potter,poudel," +
	"poulain,poulsen,powell,pratama,pratt,preston,pretorius,prevost,price,prieto,prins," +
	"prochazka,prokhorov,prokofiev,pruitt,pugh,pyo,qi,qian,qiao,qin,qiu,quaye,queiroz,quezon," +
	"quigley,quinn,quintana,quintas,quintero,quiroga,qureshi,racz,radcliffe,radebe,radu," +
	"rafferty,rahimi,rahman,rai,raimondi,ramirez,ramos,ramsey,rana,randall,rangel,rao,rashid," +
	"rasmussen,rathore,rattanakorn,rausch,ray,raymond,rebelo,reddy,reed,reese,reeves,regalado," +
	"reid,reilly,reis,ren,renard,renaud,reuter,rey,reyes,reyna,reynolds,rezaei,rhodes,ribeiro," +
	"ricci,rice,rich,richard,richards,richardson,richmond,richter,riddle,riedel,rijken,riley," +
	"rinaldi,riordan,rios,ritter,riva,rivas,rivera,riviere,rizzi,rizzo,roach,robbins,robert," +
	"roberts,robertson,robin,robinson,robles,rocha,roche,rodgers,rodionov,rodrigues,rodriguez," +
	"roger,rogers,rohde,rojas,rolland,rollins,roman,romani,romano,romanov,romero,ronchi,rosa," +
	"rosado,rosales,rosario,rosas,rose,rosen,rosenberg,rosenthal,ross,rossetti,rossi,rostami," +
	"rota,roth,rotich,rousseau,roussel,roux,rowe,rowland,roy,royer,rubio,rudenko,ruggiero,ruiz," +
	"rumyantsev,rush,russell,russo,rusu,rutherford,rutkowski,ruto,ruud,ruzicka,ryan,ryu,sa," +
	"saarinen,saavedra,sabbagh,sadeghi,saenz,saetang,sahin,saito,sakai,sakamoto,sakata,sakurai," +
	"sala,salas,salazar,saleh,salem,salgado,salim,salinas,salminen,salonen,sampaio,sampson," +
	"sanchez,sandberg,sander,sanders,sandhu,sandoval,sandstrom,sandu,sandvik,sani,sanna,sano," +
	"santana,santi,santiago,santillan,santis,santoro,santos,santoso,saputra,sargent,sari," +
	"sarpong,sartori,sasaki,sato,sauer,saunders,savchenko,savelyev,savino,sawyer,saxena,schade," +
	"schafer,schenk,schiller,schlegel,schmid,schmidt,schmitt,schmitz,schneider,scholten,scholz," +
	"schouten,schramm,schreiber,schroder,schroeder,schubert,schuler,schulte,schultz,schulz," +
	"schulze,schumacher,schumann,schuster,schwab,schwartz,schwarz,scott,sears,sedlacek,segura," +
	"seidel,seifert,seki,sellers,semenov,sen,sengupta,seo,seok,sepulveda,sequeira,serban," +
	"sergeev,serna,serra,serrano,sethi,sexton,shabalala,shaffer,shah,shaikh,shakya,shannon," +
	"shao,shapira,shapiro,sharma,sharp,sharpe,shaw,shcherbakov,sheikh,shelton,shen,sheng," +
	"shepard,shepherd,sheppard,sheridan,sherman,sherpa,shevchenko,shevchuk,shi,shibata,shields," +
	"shimada,shimizu,shin,shinde,shiraishi,shirazi,short,shrestha,shu,shukla,si,siddiqui,sidhu," +
	"sidorov,siebert,sierra,sikora,silva,silvestri,sim,simek,simmons,simoes,simon,simone," +
	"simonov,simpson,simsek,sinclair,singh,sithole,siu,sjoberg,skinner,skvortsov,slater,sloan," +
	"sluiter,small,smet,smirnov,smirnova,smit,smith,smits,snow,snyder,so,soares,sobolev," +
	"soderberg,sohn,sokolov,sokolova,solano,solberg,solis,solomon,soloviev,sommer,son,song," +
	"sorensen,sorokin,sorrentino,sosa,soto,sousa,souza,sow,sparks,spears,spencer,spinelli," +
	"srisuk,srivastava,stafford,stan,stanciu,stanley,stanton,stark,stastny,steele,stein," +
	"steiner,stepanov,stephens,stepien,sterling,stevens,stewart,stoian,stoica,stojanovic," +
	"stokes,stone,stout,strand,strauss,strickland,stromberg,strong,su,suarez,sugano,sugawara," +
	"sugimoto,sugiyama,suh,suksawat,suleiman,sullivan,sultani,summers,sun,sung,suryadi,susanto," +
	"sutanto,sutton,suzuki,svensson,svoboda,swanson,sweeney,sy,szabo,szalai,szeto,szewczyk," +
	"szucs,szymanski,tachibana,tadesse,tak,takacs,takada,takagi,takahashi,takano,takase,takeda," +
	"takemoto,takeuchi,tam,tamang,tamura,tan,tanabe,tanaka,tang,tangen,taniguchi,tanoto,tao," +
	"tapia,tarasov,tas,tate,tavares,taylor,tedesco,tehrani,teixeira,tekin,terada,terrell,terry," +
	"tesfaye,tessier,testa,tetteh,texier,thakur,thapa,thibault,thiel,thomas,thompson,thomsen," +
	"thomson,thongchai,thornton,tian,tikhomirov,tikhonov,timmermans,timofeev,titov,tiwari," +
	"tkachenko,todd,toledo,tomas,tomaszewski,tong,torok,torres,tosi,toth,toure,tovar,townsend," +
	"tran,traore,tremblay,tretyakov,trevino,trinh,trivedi,trofimov,trujillo,tsang,tse," +
	"tshabalala,tsuchiya,tsuda,tsui,tucker,tudor,turan,turner,turunen,tyler,uche,uchida,udeh," +
	"ueda,ueno,ugwu,uhm,ulrich,umar,umeda,umeh,unal,underwood,urban,urbina,urena,ursu,usman," +
	"valdes,valdez,valencia,valente,valentini,valenzuela,valle,vallejo,vance,vanek,varela," +
	"varga,vargas,vasconcelos,vasile,vasiliev,vasiliou,vasquez,vass,vaughan,vaughn,vazquez," +
	"veen,vega,vela,velasquez,velez,ven,verbeek,vergara,verhoeven,verma,vermeulen,vesely,viana," +
	"vidal,vieira,vik,villa,villalobos,villanueva,villarreal,villegas,vincent,vink,vinogradov," +
	"virtanen,visser,vitale,vitali,vlasov,vliet,vo,vogel,vogt,voicu,voigt,volkov,volkova," +
	"vorobiev,voronin,vos,vries,vu,wada,wade,wafula,wagner,wai,wainwright,wakabayashi,wal," +
	"walczak,walker,wallace,wallin,walsh,walter,walters,walther,walton,wambua,wan,wang,wanjiku," +
	"ward,wardak,ware,warren,wasilewski,watanabe,waters,watkins,watson,watts,weaver,webb,weber," +
	"webster,weeks,wei,weigel,weiss,welch,wells,wen,wendt,wenzel,werner,west,wheeler,whitaker," +
	"white,whitehead,whitfield,wi,wibowo,wieczorek,wiese,wiggins,wijaya,wijnen,wikstrom,wilcox," +
	"wild,wilder,wiley,wilke,wilkerson,wilkins,wilkinson,willems,williams,williamson,willis," +
	"wilson,winkler,winslow,winter,winters,wise,wisniewski,wit,witkowski,witt,wojcik,wolf," +
	"wolfe,wolff,wolter,wong,wongsakul,woo,wood,woodard,woods,woodward,wouters,wozniak,wright," +
	"wroblewski,wu,wyatt,xia,xiang,xiao,xie,xin,xing,xiong,xu,xue,yadav,yakovlev,yakubu,yalcin," +
	"yamada,yamaguchi,yamamoto,yamane,yamasaki,yamashita,yamazaki,yan,yang,yano,yao,yasuda," +
	"yates,yau,yavuz,ybarra,ye,yeboah,yeo,yeom,yeung,yildirim,yildiz,yilmaz,yin,yip,yiu," +
	"yokoyama,yoo,yook,yoon,york,yoshida,yoshikawa,yoshimura,young,yu,yuan,yudin,yue,yuen," +
	"yuksel,yun,yusuf,zaitsev,zajac,zakharov,zalewski,zamani,zamora,zander,zanetti,zapata," +
	"zavala,zeman,zeng,zhan,zhang,zhao,zheng,zhong,zhou,zhu,zhuang,zhukov,zhuravlev,ziegler," +
	"zielinski,zimmerman,zimmermann,zito,zou,zulu,zuniga,zwane,zwart,"

// regionNames are countries (with common short and native forms),
// states, provinces, regions and continents.
const regionNames = "" +
	"afghanistan,africa,alabama,alaska,albania,alberta,algeria,alsace,amazonia,anatolia," +
	"andalucia,andalusia,andhra pradesh,andorra,angola,antarctica,antigua and barbuda,apulia," +
	"aquitaine,aragon,argentina,arizona,arkansas,armenia,asia,assam,asturias,australia,austria," +
	"azerbaijan,bahamas,bahrain,balearic islands,bali,balkans,balochistan,bangladesh,barbados," +
	"basque country,bavaria,bayern,belarus,belgium,belize,bengal,benin,bhutan,bihar,bohemia," +
	"bolivia,borneo,bosnia,bosnia and herzegovina,botswana,brandenburg,brasil,brazil,britain," +
	"british columbia,brittany,brunei,bulgaria,burgundy,burkina faso,burma,burundi,calabria," +
	"california,cambodia,cambridgeshire,cameroon,campania,canada,canary islands,cantabria," +
	"cape verde,caribbean,carinthia,castile,catalonia,cataluna,catalunya," +
	"central african republic,central america,chad,chechnya,cheshire,chile,china,colombia," +
	"colorado,comoros,congo,connecticut,cornwall,corsica,costa rica,crimea,croatia,cuba," +
	"cumbria,cyprus,czech,czech republic,czechia,darfur,delaware," +
	"democratic republic of the congo,denmark,deutschland,devon,district of columbia,djibouti," +
	"dominica,dominican republic,donbas,dorset,east anglia,ecuador,egypt,el salvador,england," +
	"equatorial guinea,eritrea,espana,essex,estonia,eswatini,ethiopia,europe,euskadi," +
	"extremadura,fiji,finland,flanders,florida,france,fujian,gabon,galicia,galilee,gambia," +
	"georgia,germany,ghana,goa,great britain,greece,greenland,grenada,guangdong,guatemala," +
	"guinea,gujarat,guyana,haiti,hampshire,hawaii,henan,hesse,hessen,hokkaido,holland,honduras," +
	"hong kong,honshu,hubei,hunan,hungary,ibiza,iceland,idaho,illinois,india,indiana,indonesia," +
	"iowa,iran,iraq,ireland,israel,italia,italy,ivory coast,jamaica,japan,java,jiangsu,jordan," +
	"kansas,karnataka,kashmir,kazakhstan,kent,kentucky,kenya,kerala,kiribati,korea,kosovo," +
	"kurdistan,kuwait,kyrgyzstan,kyushu,lancashire,laos,lapland,latin america,latvia,lazio," +
	"lebanon,lesotho,liberia,libya,liechtenstein,liguria,lincolnshire,lithuania,loire," +
	"lombardia,lombardy,louisiana,lower saxony,luxembourg,luzon,macao,macau,madagascar," +
	"maharashtra,maine,majorca,malawi,malaysia,maldives,mali,mallorca,malta,manitoba,maryland," +
	"massachusetts,mauritania,mauritius,mecklenburg,mexico,michigan,micronesia,middle east," +
	"midlands,mindanao,minnesota,mississippi,missouri,moldova,monaco,mongolia,montana," +
	"montenegro,moravia,morocco,mozambique,murcia,myanmar,namibia,nauru,navarre,nebraska,nepal," +
	"netherlands,nevada,new brunswick,new hampshire,new jersey,new mexico,new south wales," +
	"new york state,new zealand,newfoundland,nicaragua,niger,nigeria,nippon,norfolk,normandy," +
	"north america,north carolina,north dakota,north korea,north macedonia,northern ireland," +
	"northern territory,northumberland,northwest territories,norway,nova scotia,nunavut," +
	"occitanie,oceania,odisha,ohio,okinawa,oklahoma,oman,ontario,oregon,oxfordshire,pakistan," +
	"palau,palestine,panama,papua new guinea,paraguay,patagonia,pennsylvania,persia,peru," +
	"philippines,piedmont,piemonte,poland,portugal,prince edward island,provence,puerto rico," +
	"puglia,punjab,qatar,quebec,queensland,rajasthan,republic of ireland,rhineland," +
	"rhode island,romania,russia,russian federation,rwanda,sachsen,saint lucia,salzburg,samoa," +
	"san marino,sardegna,sardinia,saskatchewan,saudi arabia,saxony,scandinavia,scotland," +
	"senegal,serbia,seychelles,shandong,shikoku,siberia,sichuan,sicilia,sicily,sierra leone," +
	"silesia,sinai,sindh,singapore,slovak republic,slovakia,slovenia,solomon islands,somalia," +
	"somerset,south africa,south america,south australia,south carolina,south dakota," +
	"south korea,south sudan,southeast asia,spain,sri lanka,styria,sudan,suffolk,sulawesi," +
	"sumatra,suriname,surrey,sussex,sweden,switzerland,syria,taiwan,tajikistan,tamil nadu," +
	"tanzania,tasmania,tatarstan,telangana,tenerife,tennessee,texas,thailand,the netherlands," +
	"thuringia,tibet,tirol,togo,tonga,toscana,transylvania,trinidad and tobago,tunisia,turkey," +
	"turkmenistan,tuscany,tuvalu,tyrol,uae,uganda,uk,ukraine,umbria,united arab emirates," +
	"united kingdom,united states,united states of america,uruguay,usa,ussr,utah,uttar pradesh," +
	"uzbekistan,vanuatu,vatican city,veneto,venezuela,vermont,viet nam,vietnam,virginia,wales," +
	"wallonia,washington state,west bengal,west virginia,western australia,wisconsin,wyoming," +
	"xinjiang,yemen,yorkshire,yukon,yunnan,zambia,zhejiang,zimbabwe,"

// cityNames are capitals and large or well-known cities and districts.
const cityNames = "" +
	"aachen,aarhus,aba,abadan,abeokuta,aberdeen,aberystwyth,abha,abidjan,abu dhabi,abuja," +
	"acapulco,accra,addis ababa,adelaide,agadez,agadir,agartala,agra,aguascalientes,ahmedabad," +
	"ahvaz,ajaccio,ajman,ajmer,akita,akron,aktobe,al ain,al khobar,alanya,albacete,albany," +
	"albuquerque,alcala,aleppo,alexandria,algiers,alicante,alice springs,aligarh,allahabad," +
	"allentown,almaty,almeria,amarillo,amiens,amman,amravati,amritsar,amsterdam,anaheim," +
	"anchorage,andijan,angers,ankara,ann arbor,annaba,annapolis,annecy,anshan,antalya," +
	"antananarivo,antofagasta,antwerp,aomori,apia,aqaba,ardabil,arequipa,arhus,arica," +
	"arkhangelsk,arlington,armagh,arusha,asahikawa,asgabat,ashdod,asheville,asmara,astana," +
	"astrakhan,asuncion,aswan,asyut,athens,atlanta,atlantic city,atyrau,auckland,augsburg," +
	"augusta,aurangabad,aurora,austin,avignon,badajoz,baghdad,baguio,bahia blanca,bahir dar," +
	"bakersfield,baku,bali,balikpapan,ballarat,baltimore,bamako,bamberg,bandar abbas,bandung," +
	"bangalore,bangkok,bangor,bangui,banja luka,banjul,baotou,barcelona,bareilly,bari,barnaul," +
	"barquisimeto,barranquilla,basel,basra,bath,batna,baton rouge,battambang,batumi,bayonne," +
	"beaumont,beersheba,beijing,beirut,belem,belfast,belgaum,belgorod,belgrade,belize city," +
	"belo horizonte,bendigo,bengaluru,benghazi,benin city,bergamo,bergen,berkeley,berlin,bern," +
	"besancon,beverly hills,bhopal,bhubaneswar,bialystok,bielefeld,bikaner,bilbao,billings," +
	"birmingham,bishkek,bismarck,bissau,bizerte,blackpool,blantyre,bloemfontein,bloomington," +
	"bochum,bogota,boise,bologna,bolton,bolzano,bonn,bordeaux,boston,bouake,boulder," +
	"bournemouth,bozeman,bradford,braga,brampton,brasilia,bratislava,braunschweig,bremen," +
	"brescia,brest,bridgeport,brighton,brighton and hove,brisbane,bristol,brno,bronx,brooklyn," +
	"brownsville,bruges,brussels,bryansk,bucaramanga,bucharest,budapest,buenos aires,buffalo," +
	"bujumbura,bukhara,bulawayo,burbank,burgos,burlington,burnaby,bursa,busan,bydgoszcz,cadiz," +
	"caen,cagayan de oro,cagliari,cairns,cairo,cajamarca,calcutta,calgary,cali,cambridge," +
	"camden,campeche,campinas,campo grande,can tho,canberra,cancun,cannes,canterbury,canton," +
	"cape coast,cape coral,cape town,caracas,cardiff,carlisle,carmel,carson city,cartagena," +
	"casablanca,castellon,catania,cebu,cebu city,cedar rapids,champaign,chandigarh,chandler," +
	"changchun,changsha,changwon,changzhou,charleston,charlotte,charlottetown,chattanooga," +
	"cheboksary,chelmsford,cheltenham,chelyabinsk,chemnitz,chengdu,chennai,cheongju,cherbourg," +
	"chernihiv,chernivtsi,chesapeake,chester,chetumal,cheyenne,chiang mai,chiang rai,chiba," +
	"chicago,chiclayo,chihuahua,chisinau,chittagong,chongqing,christchurch,cincinnati," +
	"ciudad del este,ciudad juarez,clearwater,cleveland,cluj,cochabamba,coimbatore,coimbra," +
	"colchester,colima,cologne,colombo,colonia,colorado springs,columbia,columbus,conakry," +
	"concepcion,concord,constanta,constantine,copenhagen,cordoba,cork,corona,corpus christi," +
	"coventry,craiova,crawley,cucuta,cuenca,cuernavaca,cuiaba,culiacan,curitiba,cusco,cuttack," +
	"cuzco,czestochowa,da nang,daegu,daejeon,dakar,dalian,dallas,damascus,dammam,dar es salaam," +
	"darlington,darmstadt,darwin,davao,dayton,dearborn,debrecen,dehradun,delhi,denpasar,denton," +
	"denver,derby,derry,des moines,detroit,dhaka,dhanbad,dijon,dili,dire dawa,diyarbakir," +
	"djibouti city,dnipro,dodoma,doha,doncaster,donetsk,dongguan,dordrecht,dortmund,douala," +
	"dover,dresden,drogheda,dubai,dublin,dubrovnik,duisburg,dundalk,dundee,dunedin,durango," +
	"durban,durgapur,durham,dushanbe,dusseldorf,east london,eastbourne,edinburgh,edmonton," +
	"eilat,eindhoven,el cajon,el paso,eldoret,elizabeth,encarnacion,ensenada,entebbe,enugu," +
	"erbil,erfurt,erie,erlangen,esbjerg,eskisehir,essaouira,essen,evansville,exeter,faisalabad," +
	"falkirk,fargo,faridabad,faro,fayetteville,ferrara,fes,fez,flagstaff,flint,florence," +
	"florianopolis,fort collins,fort lauderdale,fort myers,fort wayne,fort william,fort worth," +
	"fortaleza,foshan,frankfort,frankfurt,fredericton,freetown,freiburg,fresno,fribourg,frisco," +
	"fujairah,fukuoka,fullerton,funchal,fuzhou,gaborone,gainesville,galle,galway,ganja,garland," +
	"gatineau,gaya,gaziantep,gdansk,gdynia,geelong,geneva,genoa,george town,georgetown," +
	"ghaziabad,ghent,gibraltar,gifu,gijon,gilbert,gimhae,girona,gitega,giza,glasgow,glendale," +
	"gloucester,goiania,gold coast,goma,gomel,gondar,gorakhpur,gothenburg,gottingen,gqeberha," +
	"granada,grand junction,grand rapids,graz,green bay,greensboro,greenville,grenoble,grodno," +
	"groningen,guadalajara,guangzhou,guarulhos,guatemala city,guayaquil,guildford,guilin," +
	"guiyang,gujranwala,gulu,guwahati,gwalior,gwangju,gyor,gyumri,haarlem,hague,hai phong," +
	"haifa,haikou,hakodate,halifax,halle,hamadan,hamamatsu,hamburg,hamilton,hampton,hangzhou," +
	"hannover,hanoi,hanover,harare,harbin,hargeisa,harlem,harrisburg,hartford,hastings,hat yai," +
	"havana,hawassa,hebron,hefei,heidelberg,heilbronn,helena,helsinki,henderson,herat," +
	"hermosillo,hialeah,himeji,hiroshima,ho chi minh city,hobart,hoboken,hohhot,hollywood,homs," +
	"honolulu,houston,howrah,hsinchu,huancayo,hubli,huddersfield,hue,huelva,hull,huntsville," +
	"hyderabad,iasi,ibadan,ibague,iloilo,ilorin,imphal,incheon,independence,indianapolis," +
	"indore,ingolstadt,innsbruck,inverness,ipoh,ipswich,iqaluit,iquitos,irbid,irkutsk,irvine," +
	"irving,isfahan,islamabad,istanbul,ivanovo,izhevsk,izmir,jabalpur,jackson,jacksonville," +
	"jaen,jaffna,jaipur,jakarta,jalalabad,jalandhar,jammu,jamshedpur,jeddah,jefferson city," +
	"jeju,jena,jeonju,jersey city,jerusalem,jilin,jinan,jinja,joao pessoa,jodhpur,johannesburg," +
	"johor bahru,joliet,jonkoping,jos,juba,juiz de fora,juneau,kabul,kaduna,kagawa,kagoshima," +
	"kairouan,kaiserslautern,kalamazoo,kaliningrad,kaluga,kampala,kanagawa,kananga,kanazawa," +
	"kandahar,kandy,kano,kanpur,kansas city,kaohsiung,karachi,karaganda,karaj,karlsruhe," +
	"kassala,kassel,kathmandu,katowice,kaunas,kawasaki,kayseri,kazan,keelung,kelowna,kemerovo," +
	"kenosha,kerman,kermanshah,khabarovsk,kharkiv,khartoum,kherson,khiva,khon kaen,khulna,kiel," +
	"kiev,kigali,kigoma,kilkenny,killarney,killeen,kingston,kingston upon hull,kinshasa,kirkuk," +
	"kirkwall,kirov,kisangani,kismayo,kisumu,kitakyushu,kitchener,klagenfurt,knoxville,kobe," +
	"koblenz,kochi,kolding,kolkata,konya,kosice,kota,kota kinabalu,kowloon,kozhikode,krakow," +
	"krasnodar,krasnoyarsk,kryvyi rih,kuala lumpur,kuching,kumamoto,kumasi,kunming,kursk," +
	"kutaisi,kuwait city,kyiv,kyoto,la coruna,la paz,la plata,la serena,lafayette,lagos,lahore," +
	"lakeland,lamu,lancaster,lansing,lanzhou,laredo,las cruces,las palmas,las vegas,latakia," +
	"launceston,lausanne,laval,lecce,leeds,leicester,leiden,leipzig,leon,lerwick,leuven," +
	"lexington,lhasa,libreville,liege,lille,lilongwe,lima,limassol,limerick,limoges,lincoln," +
	"linkoping,linz,lipetsk,lisbon,lisburn,little rock,liverpool,livorno,ljubljana,lodz," +
	"logrono,lome,london,london ontario,londonderry,londrina,long beach,los angeles,louisville," +
	"lowell,luanda,luang prabang,lubango,lubbock,lublin,lubumbashi,lucerne,lucknow,ludhiana," +
	"lugano,luhansk,luoyang,lusaka,luton,lutsk,luxembourg city,luxor,lviv,lyon,maastricht," +
	"macau,maceio,macon,madison,madras,madrid,madurai,magdeburg,magnitogorsk,maidstone," +
	"maiduguri,mainz,makassar,malacca,malaga,malang,malindi,malmo,manado,managua,manama,manaus," +
	"manchester,mandalay,mangalore,manhattan,manila,manizales,mannheim,mansfield,maputo," +
	"mar del plata,maracaibo,maracay,maribor,mariupol,marrakech,marrakesh,marseille,maseru," +
	"mashhad,matsuyama,mazatlan,mbarara,mcallen,mecca,medan,medellin,medina,meerut,mekelle," +
	"meknes,melaka,melbourne,memphis,mendoza,merida,mersin,mesa,messina,metz,mexicali," +
	"mexico city,miami,miami beach,middlesbrough,milan,milano,milton keynes,milwaukee," +
	"minneapolis,minsk,miskolc,misrata,mississauga,missoula,mobile,modena,modesto,mogadishu," +
	"mogilev,mombasa,monaco,monrovia,monterrey,montevideo,montgomery,montpelier,montpellier," +
	"montreal,monza,morelia,moscow,moshi,mosul,mulhouse,multan,mumbai,munchen,munich,munster," +
	"murcia,murmansk,muscat,mwanza,mykolaiv,mysore,naberezhnye chelny,nablus,nagasaki,nagoya," +
	"nagpur,naha,nairobi,najaf,nakuru,namangan,nanchang,nancy,nanjing,nanning,nantes," +
	"naperville,naples,napoli,nara,nashik,nashville,nassau,natal,ndjamena,ndola,neiva,netanya," +
	"new delhi,new haven,new orleans,new york,new york city,newark,newcastle,newport,newry," +
	"nha trang,niamey,nice,nicosia,niigata,nijmegen,nimes,ningbo,niteroi,nizhny novgorod," +
	"nizhny tagil,nogales,noida,norfolk,norman,northampton,norwich,nottingham,nouakchott," +
	"novara,novi sad,novokuznetsk,novosibirsk,nuremberg,nurnberg,oakland,oaxaca,oban,ocala," +
	"odense,odesa,odessa,ogden,okayama,oklahoma city,oldenburg,oldham,olomouc,olympia,omaha," +
	"omdurman,omsk,oporto,oran,orange,orenburg,orlando,orleans,osaka,osh,oslo,osnabruck,osorno," +
	"ostrava,ottawa,ouagadougou,ouarzazate,oujda,oulu,overland park,oviedo,oxford,oxnard," +
	"pachuca,padang,paderborn,padua,paisley,palembang,palermo,palm springs,palma,palo alto," +
	"pamplona,panama city,paris,parma,pasadena,pasto,paterson,patna,pattaya,pau,pavia,pavlodar," +
	"paysandu,pecs,pekanbaru,penang,pensacola,penza,peoria,pereira,perm,perth,perugia,pescara," +
	"peshawar,peterborough,petrozavodsk,philadelphia,phnom penh,phoenix,phuket,pierre," +
	"pietermaritzburg,pisa,pittsburgh,piura,plano,plovdiv,plymouth,podgorica,pohang,poitiers," +
	"pokhara,polokwane,poltava,pomona,poole,port au prince,port elizabeth,port harcourt," +
	"port louis,port moresby,port of spain,port said,port st lucie,port sudan,portland,porto," +
	"porto alegre,portsmouth,potsdam,poznan,prague,praha,preston,pretoria,providence,provo," +
	"pskov,puebla,pueblo,puerto montt,pula,pune,punta arenas,punta del este,pyongyang,qingdao," +
	"qom,quebec city,queens,queretaro,quetta,quezon city,quincy,quito,rabat,raipur,rajkot," +
	"rajshahi,raleigh,ramallah,rancagua,ranchi,rapid city,rasht,rawalpindi,reading,recife," +
	"redmond,regensburg,regina,reims,rennes,reno,reykjavik,richmond,riga,rijeka,rimini,rio," +
	"rio de janeiro,riverside,rivne,riyadh,roanoke,rochdale,rochester,rockford,roma,rome," +
	"rosario,rostock,rostov,rotherham,rotterdam,rouen,round rock,ryazan,saarbrucken,sabha," +
	"sacramento,saint louis,saint paul,saint petersburg,saitama,sakai,salamanca,salem,salerno," +
	"salinas,salisbury,salt lake city,salta,saltillo,salto,salvador,salzburg,samara,samarkand," +
	"samsun,san antonio,san bernardino,san cristobal,san diego,san francisco,san jose,san juan," +
	"san luis potosi,san mateo,san salvador,san sebastian,sanaa,santa ana,santa barbara," +
	"santa clara,santa cruz,santa fe,santa marta,santa monica,santa rosa,santander,santiago," +
	"santo domingo,santos,sao luis,sao paulo,sapporo,sarajevo,sarasota,saratov,saskatoon," +
	"sassari,savannah,schwerin,scottsdale,scranton,seattle,semarang,semey,sendai,seoul,setif," +
	"sevastopol,sevilla,seville,sfax,shanghai,shantou,sharjah,sheffield,shenyang,shenzhen," +
	"shijiazhuang,shimla,shiraz,shizuoka,shreveport,shymkent,sialkot,sidon,siem reap,siena," +
	"silicon valley,siliguri,simferopol,singapore,sintra,sioux falls,skopje,sligo,slough," +
	"smolensk,sochi,sofia,sokoto,solapur,sousse,south bend,southampton,southend,soweto,split," +
	"spokane,springfield,srinagar,st andrews,st johns,st louis,st paul,st petersburg,stamford," +
	"staten island,stavropol,stellenbosch,stirling,stockholm,stockport,stockton,stoke," +
	"strasbourg,stuttgart,sucre,suez,sulaymaniyah,sumqayit,sumy,sunderland,sunnyvale,surabaya," +
	"surat,surgut,surrey,suva,suwon,suzhou,swansea,swindon,sydney,syktyvkar,sylhet,syracuse," +
	"szczecin,szeged,tabriz,tabuk,tacoma,taichung,taif,tainan,taipei,taiyuan,takoradi,talca," +
	"tallahassee,tallinn,tamale,tambov,tampa,tampere,tampico,tanga,tangier,tangshan,tarragona," +
	"tartu,tashkent,tbilisi,tegucigalpa,tehran,tel aviv,telford,tema,tempe,temuco,tepic," +
	"teresina,ternopil,tetouan,thane,the hague,thessaloniki,thimphu,thiruvananthapuram," +
	"thousand oaks,tianjin,tijuana,timisoara,tirana,tiruchirappalli,tlaxcala,tlemcen,tokyo," +
	"toledo,toluca,tolyatti,tomsk,toowoomba,topeka,torino,toronto,torquay,torreon,toulouse," +
	"tours,townsville,toyama,trabzon,trento,trenton,treviso,trier,trieste,tripoli,tromso," +
	"trondheim,trujillo,tubingen,tucson,tucuman,tula,tulsa,tunis,turin,turkmenbashi,turku," +
	"tuscaloosa,tuxtla gutierrez,tver,tyre,tyumen,uberlandia,udaipur,udine,udon thani,ufa," +
	"ulaanbaatar,ulan bator,ulm,ulsan,ulyanovsk,umea,uppsala,urmia,urumqi,utrecht,utsunomiya," +
	"uzhhorod,vadodara,vaduz,valdivia,valencia,valladolid,vallejo,valletta,valparaiso," +
	"vancouver,varanasi,varna,vasteras,venezia,venice,ventura,veracruz,verona,vicenza,victoria," +
	"vienna,vientiane,vigo,vijayawada,villahermosa,vilnius,vina del mar,vinnytsia," +
	"visakhapatnam,vitebsk,vitoria,vladimir,vladivostok,volgograd,vologda,voronezh,vung tau," +
	"waco,wakayama,wakefield,warren,warri,warrington,warsaw,washington,washington dc,waterford," +
	"waterloo,watford,weifang,wellington,wenzhou,west palm beach,wexford,whitehorse,wichita," +
	"wiesbaden,wigan,wilmington,winchester,windhoek,winnipeg,woking,wollongong,wolverhampton," +
	"worcester,worthing,wroclaw,wuhan,wurzburg,wuxi,xiamen,xian,xining,xuzhou,yakutsk,yangon," +
	"yantai,yaounde,yaroslavl,yazd,yekaterinburg,yellowknife,yerevan,yinchuan,yogyakarta," +
	"yokohama,yonkers,york,yuma,zacatecas,zagreb,zahedan,zamboanga,zanzibar,zaporizhzhia," +
	"zaragoza,zaria,zarqa,zhengzhou,zhuhai,zhytomyr,zurich,zwolle,"

// commonNameWords are entries of the lists above that are also ordinary
// English words ("will", "rose", "young", "nice", "reading"): capitalised
// at the start of a sentence they are usually not names, so they need a
// second cue.
const commonNameWords = "" +
	"ace,ah,alexa,ama,amber,an,angel,apollo,april,archer,art,august,aurora,autumn,bai,baker," +
	"ball,banks,barber,basil,bass,bath,beard,bell,benjamin,bill,bird,bishop,black,blair,blanc," +
	"bo,bolton,bond,booker,booth,branch,bravo,bray,brewer,bridges,brown,buck,buffalo,bullock," +
	"burch,burns,bush,butler,can,cannon,canton,carpenter,carver,case,cash,chambers,chance," +
	"chase,cherry,christian,church,clay,clement,cobb,combs,concord,conrad,cook,cooke,craft," +
	"crane,cross,crystal,daisy,dale,dan,dawn,day,deal,dean,destiny,ding,do,dodge,don,drake," +
	"drew,dyer,english,faith,fall,fan,farmer,field,fields,finley,fisher,flowers,ford,fowler," +
	"fox,frank,french,frost,gamble,gardner,gates,gay,gen,gene,genesis,gill,ginger,glass,glenn," +
	"golden,grace,graf,grant,gray,green,grey,gross,gu,gui,guy,ha,hale,hall,han,hand,hang,hardy," +
	"harmony,harsh,hart,hau,he,head,heather,heaven,hill,ho,holiday,holly,holt,hood,hope,hopper," +
	"horn,house,hu,hung,hunt,hunter,hurley,iris,ivy,jade,jan,java,jay,jean,jin,journey,joy," +
	"june,jung,junior,justice,keller,key,kidd,king,kirk,knight,knox,ko,lam,lamb,lane,lang,le," +
	"li,lie,lily,lima,little,long,lord,love,lu,lyric,ma,mack,mai,major,man,mann,mark,marks," +
	"marsh,marshall,mason,max,may,mayer,meadows,mercer,mercy,merritt,mesa,messiah,mi,middleton," +
	"miles,mills,min,mobile,moody,moon,morrow,moss,my,na,nam,nash,nice,noel,nova,nur,oh,olive," +
	"orange,pace,page,pan,parish,park,parks,pat,patton,penny,per,person,petit,poole,pope," +
	"porter,potter,potts,power,pratt,price,providence,pugh,quick,rain,ray,read,reading,reed," +
	"rei,ren,rice,rich,riddle,rivers,rob,robin,roman,rose,roy,ruby,rush,sage,said,sale,salt," +
	"sang,sawyer,say,sellers,serenity,sharp,sharpe,shepard,shepherd,shin,short,si,slater,sloan," +
	"small,snow,so,solomon,son,song,soon,sow,sparks,spears,split,star,stark,steele,sterling," +
	"stokes,stone,storm,stout,strand,strong,su,sue,sugar,summer,summers,sun,sunny,swift,tai," +
	"tan,tate,terry,thu,tin,todd,tower,tu,tucker,van,vance,vaughn,villa,violet,wade,walker," +
	"walls,ward,ware,waters,weaver,weeks,wells,west,white,wilder,will,winter,wise,wolf,won," +
	"wood,woods,woodward,wright,wu,ya,ye,york,young,yu,ze,"
